using System.Runtime.InteropServices;

namespace EtcdNet.TestKit;

/// <summary>Signals by pid, for stopping and pausing processes a test started.</summary>
public static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigStop = 19;
    public const int SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
