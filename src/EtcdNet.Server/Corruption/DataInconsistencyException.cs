namespace EtcdNet.Server.Corruption;

/// <summary>The initial corruption check found a peer whose hash disagrees: the member must not start.</summary>
public sealed class DataInconsistencyException(string message) : Exception(message);
