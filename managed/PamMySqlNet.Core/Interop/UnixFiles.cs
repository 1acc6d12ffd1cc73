namespace PamMySqlNet.Interop;

/// <summary>What a path is, without following a final symbolic link (for the daemon's socket).</summary>
public static class UnixFiles
{
    public const uint TypeMask = LibC.S_IFMT;
    public const uint Socket = 0xC000;

    /// <summary>The type and permission bits and the owner of PATH itself; false if it cannot be opened.</summary>
    public static bool TryLStat(string path, out uint mode, out uint uid)
    {
        mode = uid = 0;
        int fd = LibC.Open(path, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC);
        if (fd < 0)
            return false;
        try
        {
            return LibC.TryFStat(fd, out mode, out uid, out _);
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    public static uint EffectiveUid => LibC.GetEUid();

    /// <summary>umask(2); returns the previous mask.</summary>
    public static uint SetUMask(uint mask) => LibC.UMask(mask);
}
