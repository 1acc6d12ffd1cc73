using Microsoft.Win32.SafeHandles;
using PamMySqlNet.Interop;

namespace PamMySqlNet.Options;

/// <summary>
/// Opens a config file the way a security module should: an absolute path, not a symlink, a
/// regular file owned by root (or by the user the module runs as), not writable by group or others,
/// at most 64 KiB, in directories that pass <see cref="TrustedDirectories"/> (no symbolic link on
/// the way, none writable by other users). The checks are made on opened descriptors, and the file
/// is opened from the directory that was checked, so it cannot be swapped between check and read.
/// </summary>
public sealed class SecureConfigFile : IConfigSource
{
    public static readonly SecureConfigFile Instance = new();
    public const int MaxBytes = 64 * 1024;

    public ConfigText Read(string path)
    {
        if (!path.StartsWith('/'))
            return Fail("must be an absolute path");
        int fd;
        int errno;
        using (var dir = TrustedDirectories.OpenParent(path, out string name, out string? dirError))
        {
            if (dir is null)
                return Fail($"is refused: {dirError}");
            fd = LibC.OpenAt((int)dir.DangerousGetHandle(), name,
                LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
            errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }
        if (fd < 0)
        {
            return Fail(errno switch
            {
                2 => "does not exist",
                13 => "cannot be read (permission denied)",
                40 => "is a symbolic link; name the file itself",
                _ => $"cannot be opened (errno {errno})",
            });
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!LibC.TryFStat(fd, out uint mode, out uint uid, out long size))
            return Fail("cannot be examined");
        if ((mode & LibC.S_IFMT) != LibC.S_IFREG)
            return Fail("is not a regular file");
        uint euid = LibC.GetEUid();
        if (uid != 0 && uid != euid)
            return Fail($"must be owned by root (it is owned by uid {uid}): chown root {path}");
        if ((mode & 0x12) != 0) // S_IWGRP | S_IWOTH
            return Fail($"is writable by group or others: chmod go-w {path}");
        if (size > MaxBytes)
            return Fail($"is larger than {MaxBytes} bytes");
        var buffer = new byte[size];
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (n == 0)
                break;
            total += n;
        }
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, total);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return Fail("is not valid UTF-8");
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
        }
        return new ConfigText(text, (mode & 0x4) != 0, null); // S_IROTH
    }

    private static ConfigText Fail(string why) => new(null, false, why);
}
