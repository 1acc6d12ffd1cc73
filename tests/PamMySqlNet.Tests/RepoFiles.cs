// The code under test is Linux-only (PAM, UNIX sockets, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace PamMySqlNet.Tests;

/// <summary>Files of this repository (README, man pages, C headers), found above the test binary.</summary>
internal static class RepoFiles
{
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The absolute path of a file of the repository.</summary>
    public static string PathOf(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "pam_mysql_net.sln")))
                return Path.Combine(dir.FullName, relative);
        }
        throw new FileNotFoundException("repository root not found above " + AppContext.BaseDirectory);
    }
}
