using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;
using PamMySqlNet.Interop;

namespace PamMySqlNet.Options;

/// <summary>
/// The directories above a file the module trusts (its config file; the shim applies the same rule
/// to its core and helper in native/module_paths.c). Each one from / down must be a directory, not
/// a symbolic link, owned by root or by the user the module runs as, and not writable by group or
/// others unless it is sticky and owned by root (as /tmp): whoever can write to a directory on the
/// way can put another file in the place of the one that was checked. The walk opens each
/// directory relative to the one before it without following links and checks it on that
/// descriptor, so the file is opened from the very directory that was checked.
/// </summary>
public static class TrustedDirectories
{
    /// <summary>
    /// The names along an absolute path, the file's own name last; empty and "." parts are dropped.
    /// Null with the reason for a relative path, one with "..", or one that names no file.
    /// </summary>
    public static IReadOnlyList<string>? Components(string path, out string? error)
    {
        error = null;
        if (!path.StartsWith('/'))
            error = "must be an absolute path";
        var names = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(n => n != ".").ToList();
        if (error is null && names.Contains(".."))
            error = "must not contain '..'; name the file by its real path";
        if (error is null && names.Count == 0)
            error = "names no file";
        return error is null ? names : null;
    }

    /// <summary>
    /// What is wrong with the directory DIR on the way, from its fstat (mode and owner) and the
    /// effective uid of the process; null when it may be trusted.
    /// </summary>
    public static string? Problem(string dir, uint mode, uint uid, uint euid)
    {
        uint type = mode & LibC.S_IFMT;
        if (type == LibC.S_IFLNK)
            return $"directory {dir} is a symbolic link; name the file by its real path";
        if (type != LibC.S_IFDIR)
            return $"{dir} is not a directory";
        if (uid != 0 && uid != euid)
            return $"directory {dir} is owned by uid {uid}, not by root: chown root {dir}";
        bool stickyRoot = (mode & LibC.S_ISVTX) != 0 && uid == 0;
        if ((mode & 0x12) != 0 && !stickyRoot) // S_IWGRP | S_IWOTH
            return $"directory {dir} is writable by group or others: chmod go-w {dir}";
        return null;
    }

    /// <summary>
    /// Opens the directory holding PATH (an O_PATH descriptor) after checking every directory from
    /// / down to it; the file's own name in <paramref name="name"/>. Null with the reason otherwise.
    /// </summary>
    public static SafeFileHandle? OpenParent(string path, out string name, out string? error)
    {
        name = "";
        var names = Components(path, out error);
        if (names is null)
            return null;
        name = names[^1];
        uint euid = LibC.GetEUid();
        int fd = LibC.Open("/", LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        string walked = "/";
        for (int i = 0; ; i++)
        {
            if (fd < 0)
            {
                error = $"directory {walked} cannot be opened (errno {Marshal.GetLastPInvokeError()})";
                return null;
            }
            error = LibC.TryFStat(fd, out uint mode, out uint uid, out _)
                ? Problem(walked, mode, uid, euid)
                : $"directory {walked} cannot be examined";
            if (error is not null)
            {
                _ = LibC.Close(fd);
                return null;
            }
            if (i == names.Count - 1)
                return new SafeFileHandle(fd, ownsHandle: true);
            // O_PATH | O_NOFOLLOW opens a symbolic link itself, which Problem then refuses.
            int next = LibC.OpenAt(fd, names[i], LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC);
            int errno = Marshal.GetLastPInvokeError();
            _ = LibC.Close(fd);
            walked = (walked == "/" ? "/" : walked + "/") + names[i];
            if (next < 0)
            {
                error = errno == 2 ? $"directory {walked} does not exist"
                    : $"directory {walked} cannot be opened (errno {errno})";
                return null;
            }
            fd = next;
        }
    }
}
