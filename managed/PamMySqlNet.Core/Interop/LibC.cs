using System.Runtime.InteropServices;

namespace PamMySqlNet.Interop;

/// <summary>The few libc calls .NET does not expose: open without following links, fstat's owner,
/// umask, the calling thread's signal mask (<c>LibC.Signals.cs</c>), dlopen (<c>LibC.Dl.cs</c>).</summary>
internal static partial class LibC
{
    private const string Library = NativeLibraries.LibC;

    public const int O_RDONLY = 0;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int O_NONBLOCK = 0x800;
    public const int O_PATH = 0x200000;
    public const int O_DIRECTORY = 0x10000;
    public const uint S_IFMT = 0xF000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_ISVTX = 0x200;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags);

    [LibraryImport(Library, EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FStat(int fd, byte* buffer);

    [LibraryImport(Library, EntryPoint = "umask")]
    public static partial uint UMask(uint mask);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEUid();

    /// <summary>Mode, owner and size of an open file (struct stat as laid out on x86_64 Linux).</summary>
    public static unsafe bool TryFStat(int fd, out uint mode, out uint uid, out long size)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new PlatformNotSupportedException("struct stat layout is only mapped for x86_64");
        byte* st = stackalloc byte[256];
        mode = uid = 0;
        size = 0;
        if (FStat(fd, st) != 0)
            return false;
        mode = *(uint*)(st + 24);
        uid = *(uint*)(st + 28);
        size = *(long*)(st + 48);
        return true;
    }
}
