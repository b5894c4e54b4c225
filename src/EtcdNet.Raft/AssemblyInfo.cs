using System.Runtime.CompilerServices;

// The interaction and paper tests drive the state machine below RaftNode, as etcd-io/raft's do.
[assembly: InternalsVisibleTo("EtcdNet.Raft.Tests")]
