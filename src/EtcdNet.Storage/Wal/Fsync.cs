using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EtcdNet.Storage;

/// <summary>Makes files and directory entries durable: file data by fdatasync semantics, renames by syncing the directory.</summary>
internal static class Fsync
{
    public static void File(SafeFileHandle handle) => RandomAccess.FlushToDisk(handle);

    /// <summary>
    /// Syncs a directory so that files created or renamed in it survive a crash. .NET cannot open a directory as a
    /// file, so on Unix this goes to libc; elsewhere (NTFS journals its metadata) it does nothing.
    /// </summary>
    public static void Directory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        int fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {path} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (FsyncFd(fd) != 0)
            {
                throw new IOException($"cannot sync directory {path} (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FsyncFd(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
