using EtcdNet.Raft.Quorum;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Raft.Tracker;
using Google.Protobuf;

namespace EtcdNet.Raft;

/// <summary>The leader role: replication and flow control, commit, heartbeats, ReadIndex, leader transfer.</summary>
internal sealed partial class Raft
{
    private readonly List<Entry> _scratch = [];

    private void StepLeader(Message m)
    {
        // Messages that need no peer progress.
        switch (m.Type)
        {
            case MessageType.MsgBeat:
                BcastHeartbeat();
                return;
            case MessageType.MsgCheckQuorum:
                var self = Prs.Get(Id);
                if (self is not null) self.RecentActive = true;
                if (!Prs.QuorumActive())
                {
                    Warn($"{Id} stepped down to follower since quorum is not active");
                    BecomeFollower(Term, None);
                }
                // Start a new observation window.
                foreach (var id in Prs.Ids)
                {
                    if (id != Id) Prs.Get(id)!.RecentActive = false;
                }
                return;
            case MessageType.MsgProp:
                StepLeaderProposal(m);
                return;
            case MessageType.MsgReadIndex:
                if (Prs.IsSingleton)
                {
                    // Alone, we are trivially the leader: no round trip needed.
                    var resp = ResponseToReadIndexReq(m, RaftLog.Committed);
                    if (resp is not null) Send(resp);
                    return;
                }
                if (!CommittedEntryInCurrentTerm())
                {
                    // Our commit index may lag the previous leader's until an entry of our term commits:
                    // hold the request until then (answering now could return a stale index).
                    PendingReadIndexMessages.Add(m);
                    return;
                }
                SendReadIndexResponse(m);
                return;
        }

        var pr = Prs.Get(m.From);
        if (pr is null)
        {
            if (DebugOn) Debug($"{Id} no progress available for {m.From}");
            return;
        }
        switch (m.Type)
        {
            case MessageType.MsgAppResp:
                HandleAppendResponse(m, pr);
                break;
            case MessageType.MsgHeartbeatResp:
                HandleHeartbeatResponse(m, pr);
                break;
            case MessageType.MsgSnapStatus:
                if (pr.State != ProgressState.StateSnapshot) return;
                if (m.Reject)
                {
                    // The snapshot never arrived: forget it and probe from Match again.
                    pr.PendingSnapshot = 0;
                }
                pr.BecomeProbe();
                // Wait for a heartbeat response (or the MsgAppResp of the snapshot) before the next probe.
                pr.ProbeSent = true;
                if (DebugOn) Debug($"{Id} snapshot {(m.Reject ? "failed" : "succeeded")}, resumed sending replication messages to {m.From} [{pr}]");
                break;
            case MessageType.MsgUnreachable:
                // Optimistic streaming would only pile up lost messages: fall back to probing.
                if (pr.State == ProgressState.StateReplicate) pr.BecomeProbe();
                if (DebugOn) Debug($"{Id} failed to send message to {m.From} because it is unreachable [{pr}]");
                break;
            case MessageType.MsgTransferLeader:
                HandleTransferLeader(m, pr);
                break;
        }
    }

    private void StepLeaderProposal(Message m)
    {
        if (m.Entries.Count == 0) throw new InvalidOperationException($"{Id} stepped empty MsgProp");
        if (Prs.Get(Id) is null)
        {
            // Removed from the configuration while still leading (see SwitchToConfig).
            throw new ProposalDroppedException();
        }
        if (LeadTransferee != None)
        {
            if (DebugOn) Debug($"{Id} [term {Term}] transfer leadership to {LeadTransferee} is in progress; dropping proposal");
            throw new ProposalDroppedException();
        }
        for (var i = 0; i < m.Entries.Count; i++)
        {
            var e = m.Entries[i];
            if (e.Type is not (EntryType.EntryConfChange or EntryType.EntryConfChangeV2)) continue;
            if (PendingConfIndex > RaftLog.Applied)
            {
                // One membership change at a time: the previous one is not applied yet. The entry is
                // kept as an empty normal entry so the proposer still sees its index commit.
                if (InfoOn)
                {
                    Info($"{Id} ignoring conf change {e.Type} at config {Prs}: possible unapplied conf change at index " +
                         $"{PendingConfIndex} (applied to {RaftLog.Applied})");
                }
                m.Entries[i] = new Entry { Type = EntryType.EntryNormal };
            }
            else
            {
                PendingConfIndex = RaftLog.LastIndex() + (ulong)i + 1;
            }
        }
        AppendEntry(m.Entries);
        // Appends go out when the next Ready is collected (FlushProposals), so that proposals arriving
        // between two Readies share one MsgApp per follower instead of one each.
        _proposalsPending = true;
    }

    private bool _proposalsPending;

    /// <summary>Sends appends for proposals accepted since the last Ready.</summary>
    internal void FlushProposals()
    {
        if (!_proposalsPending) return;
        _proposalsPending = false;
        if (State != RaftState.Leader) return;
        foreach (var id in Prs.Ids)
        {
            if (id == Id) continue;
            // Fill the follower's inflight window (a probe sends one message and pauses).
            while (MaybeSendAppend(id, sendIfEmpty: false))
            {
            }
        }
    }

    private void HandleAppendResponse(Message m, Progress pr)
    {
        pr.RecentActive = true;
        if (m.Reject)
        {
            if (DebugOn) Debug($"{Id} received MsgAppResp(rejected, hint: {m.RejectHint}) from {m.From} for index {m.Index}");
            if (pr.MaybeDecrTo(m.Index, m.RejectHint))
            {
                if (DebugOn) Debug($"{Id} decreased progress of {m.From} to [{pr}]");
                if (pr.State == ProgressState.StateReplicate) pr.BecomeProbe();
                SendAppend(m.From);
            }
            return;
        }
        var oldPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index)) return;
        switch (pr.State)
        {
            case ProgressState.StateProbe:
                pr.BecomeReplicate();
                break;
            case ProgressState.StateSnapshot when pr.Match >= pr.PendingSnapshot:
                // The follower caught up past the snapshot (or got it): stream again.
                if (DebugOn) Debug($"{Id} recovered from needing snapshot, resumed sending replication messages to {m.From} [{pr}]");
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.StateReplicate:
                pr.Inflights.FreeLE(m.Index);
                break;
        }
        if (MaybeCommit())
        {
            ReleasePendingReadIndexMessages();
            BcastAppend();
        }
        else if (oldPaused)
        {
            // The follower was paused and is not any more: it may be waiting for entries.
            SendAppend(m.From);
        }
        // Flow control may now allow several messages at once (e.g. after probe -> replicate):
        // send as many as fit, but no empty ones.
        while (MaybeSendAppend(m.From, sendIfEmpty: false))
        {
        }
        if (m.From == LeadTransferee && pr.Match == RaftLog.LastIndex())
        {
            if (InfoOn) Info($"{Id} sent MsgTimeoutNow to {m.From} after received MsgAppResp");
            SendTimeoutNow(m.From);
        }
    }

    private void HandleHeartbeatResponse(Message m, Progress pr)
    {
        pr.RecentActive = true;
        pr.ProbeSent = false;
        // A full window with a live follower means acks were lost: free one slot so progress resumes.
        if (pr.State == ProgressState.StateReplicate && pr.Inflights.Full) pr.Inflights.FreeFirstOne();
        if (pr.Match < RaftLog.LastIndex()) SendAppend(m.From);

        if (ReadOnly.Option != ReadOnlyOption.Safe || m.Context.IsEmpty) return;
        var acks = ReadOnly.RecvAck(m.From, m.Context);
        if (acks is null || Prs.Voters.VoteResult(acks) != VoteResult.VoteWon) return;
        var released = ReadOnly.Advance(m);
        if (released is null) return;
        foreach (var rs in released)
        {
            var resp = ResponseToReadIndexReq(rs.Request, rs.Index);
            if (resp is not null) Send(resp);
        }
    }

    private void HandleTransferLeader(Message m, Progress pr)
    {
        if (pr.IsLearner)
        {
            if (DebugOn) Debug($"{Id} is learner. Ignored transferring leadership");
            return;
        }
        var transferee = m.From;
        if (LeadTransferee != None)
        {
            if (LeadTransferee == transferee)
            {
                if (InfoOn) Info($"{Id} [term {Term}] transfer leadership to {transferee} is in progress, ignores request to same node {transferee}");
                return;
            }
            AbortLeaderTransfer();
            if (InfoOn) Info($"{Id} [term {Term}] abort previous transferring leadership to {LeadTransferee}");
        }
        if (transferee == Id)
        {
            if (DebugOn) Debug($"{Id} is already leader. Ignored transferring leadership to self");
            return;
        }
        if (InfoOn) Info($"{Id} [term {Term}] starts to transfer leadership to {transferee}");
        // The transfer must finish within an election timeout (see TickHeartbeat).
        ElectionElapsed = 0;
        LeadTransferee = transferee;
        if (pr.Match == RaftLog.LastIndex())
        {
            SendTimeoutNow(transferee);
            if (InfoOn) Info($"{Id} sends MsgTimeoutNow to {transferee} immediately as {transferee} already has up-to-date log");
        }
        else
        {
            // Bring the transferee up to date first; MsgTimeoutNow follows its MsgAppResp.
            SendAppend(transferee);
        }
    }

    private void SendTimeoutNow(ulong to) => Send(new Message { To = to, Type = MessageType.MsgTimeoutNow });

    // ---- log and commit ---------------------------------------------------------------------------------

    /// <summary>Appends entries of the current term to our log and counts our own acknowledgement.</summary>
    private void AppendEntry(IReadOnlyList<Entry> es)
    {
        var li = RaftLog.LastIndex();
        for (var i = 0; i < es.Count; i++)
        {
            es[i].Term = Term;
            es[i].Index = li + 1 + (ulong)i;
        }
        li = RaftLog.Append(es);
        Prs.Get(Id)!.MaybeUpdate(li);
        // A single voter commits by itself.
        MaybeCommit();
    }

    /// <summary>Advances the commit index to what a quorum has matched, if that entry is of our term.</summary>
    internal bool MaybeCommit() => RaftLog.MaybeCommit(Prs.Committed(), Term);

    private bool CommittedEntryInCurrentTerm() => RaftLog.TermOrZero(RaftLog.Committed) == Term;

    // ---- replication ---------------------------------------------------------------------------------

    private void SendAppend(ulong to) => MaybeSendAppend(to, sendIfEmpty: true);

    /// <summary>
    /// Sends to `to` the entries it lacks (or a snapshot when they were compacted), respecting flow control.
    /// Returns whether a message was sent. sendIfEmpty sends an entry-less MsgApp (to carry the commit index).
    /// </summary>
    internal bool MaybeSendAppend(ulong to, bool sendIfEmpty)
    {
        var pr = Prs.Get(to)!;
        if (pr.IsPaused) return false;

        ulong term = 0;
        var ok = RaftLog.TryTerm(pr.Next - 1, out term);
        _scratch.Clear();
        if (ok)
        {
            try
            {
                RaftLog.Entries(pr.Next, _maxMsgSize, _scratch);
            }
            catch (CompactedException)
            {
                ok = false;
            }
        }
        if (ok && _scratch.Count == 0 && !sendIfEmpty) return false;

        if (!ok)
        {
            // The follower needs entries we compacted away: send the snapshot instead.
            return SendSnapshot(to, pr);
        }

        var m = new Message
        {
            To = to, Type = MessageType.MsgApp, Index = pr.Next - 1, LogTerm = term, Commit = RaftLog.Committed,
        };
        if (_scratch.Count > 0)
        {
            m.Entries.AddRange(_scratch);
            var last = _scratch[^1].Index;
            switch (pr.State)
            {
                case ProgressState.StateReplicate:
                    pr.OptimisticUpdate(last);
                    pr.Inflights.Add(last);
                    break;
                case ProgressState.StateProbe:
                    pr.ProbeSent = true;
                    break;
                default:
                    throw new InvalidOperationException($"{Id} is sending append in unhandled state {pr.State}");
            }
            _scratch.Clear();
        }
        Send(m);
        return true;
    }

    private bool SendSnapshot(ulong to, Progress pr)
    {
        if (!pr.RecentActive)
        {
            // Do not push a possibly large snapshot to a peer we have not heard from.
            if (DebugOn) Debug($"{Id} ignore sending snapshot to {to} since it is not recently active");
            return false;
        }
        Snapshot snapshot;
        try
        {
            snapshot = RaftLog.Snapshot();
        }
        catch (SnapshotTemporarilyUnavailableException)
        {
            if (DebugOn) Debug($"{Id} failed to send snapshot to {to} because snapshot is temporarily unavailable");
            return false;
        }
        var meta = snapshot.Metadata;
        if (meta is null || meta.Index == 0) throw new InvalidOperationException("need non-empty snapshot");
        if (DebugOn)
        {
            Debug($"{Id} [firstindex: {RaftLog.FirstIndex()}, commit: {RaftLog.Committed}] sent snapshot[index: {meta.Index}, " +
                  $"term: {meta.Term}] to {to} [{pr}]");
        }
        pr.BecomeSnapshot(meta.Index);
        Send(new Message { To = to, Type = MessageType.MsgSnap, Snapshot = snapshot });
        return true;
    }

    /// <summary>Sends appends to every peer that can take them.</summary>
    private void BcastAppend()
    {
        foreach (var id in Prs.Ids)
        {
            if (id != Id) SendAppend(id);
        }
    }

    private void BcastHeartbeat()
    {
        var ctx = ReadOnly.LastPendingRequestCtx();
        BcastHeartbeatWithCtx(ctx ?? ByteString.Empty);
    }

    private void BcastHeartbeatWithCtx(ByteString ctx)
    {
        foreach (var id in Prs.Ids)
        {
            if (id == Id) continue;
            // Never tell a follower a commit index beyond what it is known to have: it could not apply it.
            var commit = Math.Min(Prs.Get(id)!.Match, RaftLog.Committed);
            Send(new Message { To = id, Type = MessageType.MsgHeartbeat, Commit = commit, Context = ctx });
        }
    }

    // ---- ReadIndex --------------------------------------------------------------------------------------

    private void SendReadIndexResponse(Message m)
    {
        switch (ReadOnly.Option)
        {
            case ReadOnlyOption.Safe:
                // Remember the commit index now; answer once a quorum acknowledges a heartbeat carrying the
                // request's context, which proves no newer leader existed when we read the commit index.
                ReadOnly.AddRequest(RaftLog.Committed, m);
                ReadOnly.RecvAck(Id, m.Entries[0].Data);
                BcastHeartbeatWithCtx(m.Entries[0].Data);
                break;
            case ReadOnlyOption.LeaseBased:
                var resp = ResponseToReadIndexReq(m, RaftLog.Committed);
                if (resp is not null) Send(resp);
                break;
        }
    }

    private void ReleasePendingReadIndexMessages()
    {
        if (PendingReadIndexMessages.Count == 0 || !CommittedEntryInCurrentTerm()) return;
        var msgs = PendingReadIndexMessages;
        PendingReadIndexMessages = [];
        foreach (var m in msgs) SendReadIndexResponse(m);
    }

    /// <summary>A local request becomes a ReadState; a follower's gets a MsgReadIndexResp (returned).</summary>
    private Message? ResponseToReadIndexReq(Message req, ulong readIndex)
    {
        if (req.From == None || req.From == Id)
        {
            ReadStates.Add(new ReadState(readIndex, req.Entries[0].Data));
            return null;
        }
        var resp = new Message { Type = MessageType.MsgReadIndexResp, To = req.From, Index = readIndex };
        resp.Entries.AddRange(req.Entries);
        return resp;
    }
}
