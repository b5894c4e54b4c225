using EtcdNet.Raft.Quorum;
using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft;

/// <summary>Message dispatch, elections, and the follower and candidate roles.</summary>
internal sealed partial class Raft
{
    internal enum CampaignType
    {
        PreElection,
        Election,
        Transfer,
    }

    /// <summary>
    /// Feeds one message into the state machine. Term handling and votes are role independent and
    /// handled here; the rest goes to the current role's step function.
    /// Throws <see cref="ProposalDroppedException"/> when a proposal cannot be accepted.
    /// </summary>
    public void Step(Message m)
    {
        if (m.Term == 0)
        {
            // A local message.
        }
        else if (m.Term > Term)
        {
            if (m.Type is MessageType.MsgVote or MessageType.MsgPreVote)
            {
                var force = m.Context == CampaignTransferContext;
                var inLease = _checkQuorum && Lead != None && ElectionElapsed < ElectionTimeout;
                if (!force && inLease)
                {
                    // We heard from a leader within the minimum election timeout: a node that wants to
                    // disrupt it (e.g. one coming back from a partition) is not listened to.
                    if (InfoOn)
                    {
                        Info($"{Id} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote}] ignored {m.Type} " +
                             $"from {m.From} [logterm: {m.LogTerm}, index: {m.Index}] at term {Term}: lease is not expired " +
                             $"(remaining ticks: {ElectionTimeout - ElectionElapsed})");
                    }
                    return;
                }
            }
            if (m.Type == MessageType.MsgPreVote)
            {
                // Never change our term in response to a pre-vote.
            }
            else if (m.Type == MessageType.MsgPreVoteResp && !m.Reject)
            {
                // Pre-votes carry our future term; we only move to it when we win the pre-election.
            }
            else
            {
                if (InfoOn) Info($"{Id} [term: {Term}] received a {m.Type} message with higher term from {m.From} [term: {m.Term}]");
                var lead = m.Type is MessageType.MsgApp or MessageType.MsgHeartbeat or MessageType.MsgSnap ? m.From : None;
                BecomeFollower(m.Term, lead);
            }
        }
        else if (m.Term < Term)
        {
            if ((_checkQuorum || _preVote) && m.Type is MessageType.MsgHeartbeat or MessageType.MsgApp)
            {
                // A stale leader (e.g. after a partition). With check-quorum or pre-vote our higher term
                // would never reach it through votes, so tell it directly; it steps down on the reply.
                Send(new Message { To = m.From, Type = MessageType.MsgAppResp });
            }
            else if (m.Type == MessageType.MsgPreVote)
            {
                // Rejecting with our term lets the pre-candidate catch up with the term it lags.
                if (InfoOn)
                {
                    Info($"{Id} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote}] rejected {m.Type} " +
                         $"from {m.From} [logterm: {m.LogTerm}, index: {m.Index}] at term {Term}");
                }
                Send(new Message { To = m.From, Term = Term, Type = MessageType.MsgPreVoteResp, Reject = true });
            }
            else if (InfoOn)
            {
                Info($"{Id} [term: {Term}] ignored a {m.Type} message with lower term from {m.From} [term: {m.Term}]");
            }
            return;
        }

        switch (m.Type)
        {
            case MessageType.MsgHup:
                Hup(_preVote ? CampaignType.PreElection : CampaignType.Election);
                break;
            case MessageType.MsgVote:
            case MessageType.MsgPreVote:
                HandleVoteRequest(m);
                break;
            default:
                _step(m);
                break;
        }
    }

    private void Hup(CampaignType t)
    {
        if (State == RaftState.Leader)
        {
            if (DebugOn) Debug($"{Id} ignoring MsgHup because already leader");
            return;
        }
        if (!Promotable())
        {
            Warn($"{Id} is unpromotable and can not campaign");
            return;
        }
        // A committed but unapplied conf change might remove us or change the quorum: wait for it.
        if (RaftLog.Committed > RaftLog.Applied && HasUnappliedConfChange())
        {
            Warn($"{Id} cannot campaign at term {Term} since there are still pending configuration changes to apply");
            return;
        }
        if (InfoOn) Info($"{Id} is starting a new election at term {Term}");
        Campaign(t);
    }

    private bool HasUnappliedConfChange()
    {
        var ents = new List<Entry>();
        RaftLog.Slice(Math.Max(RaftLog.Applied + 1, RaftLog.FirstIndex()), RaftLog.Committed + 1, ulong.MaxValue, ents);
        foreach (var e in ents)
        {
            if (e.Type is EntryType.EntryConfChange or EntryType.EntryConfChangeV2) return true;
        }
        return false;
    }

    private void HandleVoteRequest(Message m)
    {
        // We can vote for m.From if we already did, or if we have not voted and know no leader in this
        // term, or if it is a pre-vote for a future term (pre-votes change nothing).
        // Note: a node that thinks it is a learner still answers. The candidate only asks nodes that are
        // voters in its (newer) configuration and only counts voters' answers; refusing here could leave a
        // group with a just-promoted member unable to elect anyone until that member catches up.
        var canVote = Vote == m.From
            || (Vote == None && Lead == None)
            || (m.Type == MessageType.MsgPreVote && m.Term > Term);
        var respType = m.Type == MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
        if (canVote && RaftLog.IsUpToDate(m.Index, m.LogTerm))
        {
            if (InfoOn)
            {
                Info($"{Id} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote}] cast {m.Type} for {m.From} " +
                     $"[logterm: {m.LogTerm}, index: {m.Index}] at term {Term}");
            }
            // The response carries the request's term, not ours: for a pre-vote, ours is lower and the
            // pre-candidate would otherwise ignore it.
            Send(new Message { To = m.From, Term = m.Term, Type = respType });
            if (m.Type == MessageType.MsgVote)
            {
                ElectionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            if (InfoOn)
            {
                Info($"{Id} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote}] rejected {m.Type} from {m.From} " +
                     $"[logterm: {m.LogTerm}, index: {m.Index}] at term {Term}");
            }
            Send(new Message { To = m.From, Term = Term, Type = respType, Reject = true });
        }
    }

    internal void Campaign(CampaignType t)
    {
        if (!Promotable())
        {
            Warn($"{Id} is unpromotable; campaign() should have been called");
            return;
        }
        ulong term;
        MessageType voteMsg;
        if (t == CampaignType.PreElection)
        {
            BecomePreCandidate();
            voteMsg = MessageType.MsgPreVote;
            // Ask with the term we would have, without moving to it yet.
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            voteMsg = MessageType.MsgVote;
            term = Term;
        }
        var respType = voteMsg == MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
        if (Poll(Id, respType, true) == VoteResult.VoteWon)
        {
            // A single voter wins at once.
            if (t == CampaignType.PreElection) Campaign(CampaignType.Election);
            else BecomeLeader();
            return;
        }
        foreach (var id in Prs.Voters.Ids)
        {
            if (id == Id) continue;
            if (InfoOn)
            {
                Info($"{Id} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}] sent {voteMsg} request to {id} at term {Term}");
            }
            var m = new Message
            {
                Term = term, To = id, Type = voteMsg, Index = RaftLog.LastIndex(), LogTerm = RaftLog.LastTerm(),
            };
            if (t == CampaignType.Transfer) m.Context = CampaignTransferContext;
            Send(m);
        }
    }

    private VoteResult Poll(ulong id, MessageType t, bool granted)
    {
        if (InfoOn)
        {
            Info(granted
                ? $"{Id} received {t} from {id} at term {Term}"
                : $"{Id} received {t} rejection from {id} at term {Term}");
        }
        Prs.RecordVote(id, granted);
        var res = Prs.TallyVotes(out var gr, out var rj);
        if (InfoOn && id != Id) Info($"{Id} has received {gr} {t} votes and {rj} vote rejections");
        return res;
    }

    private void StepCandidate(Message m)
    {
        // Only handle vote responses matching our kind of election; a late MsgVoteResp while pre-campaigning is stale.
        var myVoteRespType = State == RaftState.PreCandidate ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
        switch (m.Type)
        {
            case MessageType.MsgProp:
                if (InfoOn) Info($"{Id} no leader at term {Term}; dropping proposal");
                throw new ProposalDroppedException();
            case MessageType.MsgApp:
                BecomeFollower(m.Term, m.From); // always m.Term == Term here
                HandleAppendEntries(m);
                break;
            case MessageType.MsgHeartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.MsgSnap:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            case MessageType.MsgTimeoutNow:
                if (DebugOn) Debug($"{Id} [term {Term} state {State}] ignored MsgTimeoutNow from {m.From}");
                break;
            default:
                if (m.Type != myVoteRespType) break;
                switch (Poll(m.From, m.Type, !m.Reject))
                {
                    case VoteResult.VoteWon:
                        if (State == RaftState.PreCandidate)
                        {
                            Campaign(CampaignType.Election);
                        }
                        else
                        {
                            BecomeLeader();
                            BcastAppend();
                        }
                        break;
                    case VoteResult.VoteLost:
                        // Pre-candidates stay at their term: a lost pre-election changes nothing.
                        BecomeFollower(Term, None);
                        break;
                }
                break;
        }
    }

    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.MsgProp:
                if (Lead == None)
                {
                    if (InfoOn) Info($"{Id} no leader at term {Term}; dropping proposal");
                    throw new ProposalDroppedException();
                }
                if (_disableProposalForwarding)
                {
                    if (InfoOn) Info($"{Id} not forwarding to leader {Lead} at term {Term}; dropping proposal");
                    throw new ProposalDroppedException();
                }
                m.To = Lead;
                Send(m);
                break;
            case MessageType.MsgApp:
                ElectionElapsed = 0;
                Lead = m.From;
                HandleAppendEntries(m);
                break;
            case MessageType.MsgHeartbeat:
                ElectionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.MsgSnap:
                ElectionElapsed = 0;
                Lead = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.MsgTransferLeader:
                if (Lead == None)
                {
                    if (InfoOn) Info($"{Id} no leader at term {Term}; dropping leader transfer msg");
                    return;
                }
                m.To = Lead;
                Send(m);
                break;
            case MessageType.MsgTimeoutNow:
                // The leader hands over: campaign at once, without pre-vote (we know the group is healthy).
                if (InfoOn) Info($"{Id} [term {Term}] received MsgTimeoutNow from {m.From} and starts an election to get leadership");
                Hup(CampaignType.Transfer);
                break;
            case MessageType.MsgReadIndex:
                if (Lead == None)
                {
                    if (InfoOn) Info($"{Id} no leader at term {Term}; dropping index reading msg");
                    return;
                }
                m.To = Lead;
                Send(m);
                break;
            case MessageType.MsgReadIndexResp:
                if (m.Entries.Count != 1)
                {
                    Warn($"{Id} invalid format of MsgReadIndexResp from {m.From}, entries count: {m.Entries.Count}");
                    return;
                }
                ReadStates.Add(new ReadState(m.Index, m.Entries[0].Data));
                break;
        }
    }

    private void HandleAppendEntries(Message m)
    {
        if (m.Index < RaftLog.Committed)
        {
            // Everything up to our commit index is settled; tell the leader where we are.
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = RaftLog.Committed });
            return;
        }
        if (RaftLog.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries, out var lastNew))
        {
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = lastNew });
            return;
        }
        if (DebugOn)
        {
            Debug($"{Id} [logterm: {RaftLog.TermOrZero(m.Index)}, index: {m.Index}] rejected MsgApp " +
                  $"[logterm: {m.LogTerm}, index: {m.Index}] from {m.From}");
        }
        // Our last index lets the leader skip straight past the gap instead of probing one by one.
        Send(new Message
        {
            To = m.From, Type = MessageType.MsgAppResp, Index = m.Index, Reject = true, RejectHint = RaftLog.LastIndex(),
        });
    }

    private void HandleHeartbeat(Message m)
    {
        // The leader sends min(our match, its commit), so this never points past our log.
        RaftLog.CommitTo(m.Commit);
        Send(new Message { To = m.From, Type = MessageType.MsgHeartbeatResp, Context = m.Context });
    }

    private void HandleSnapshot(Message m)
    {
        var meta = m.Snapshot?.Metadata;
        if (m.Snapshot is null || meta is null) return;
        if (Restore(m.Snapshot))
        {
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = RaftLog.LastIndex() });
        }
        else
        {
            if (InfoOn) Info($"{Id} [commit: {RaftLog.Committed}] ignored snapshot [index: {meta.Index}, term: {meta.Term}]");
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = RaftLog.Committed });
        }
    }
}
