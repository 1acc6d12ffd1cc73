namespace PamMySqlNet.Tests.Options;

/// <summary>The directory rule for config files (security review L7), decided from stat results.</summary>
public class TrustedDirectoriesTests
{
    private const uint Dir = 0x4000, Link = 0xA000, Regular = 0x8000, Sticky = 0x200;
    private const uint Root = 0, Dovecot = 110, Nobody = 65534;

    [Theory]
    [InlineData(Dir | 0x1ED, Root, Root)]            // 0755 root: /etc
    [InlineData(Dir | 0x1C0, Root, Dovecot)]         // 0700 root, module running as dovecot
    [InlineData(Dir | 0x1ED, Dovecot, Dovecot)]      // owned by the user the module runs as
    [InlineData(Dir | Sticky | 0x1FF, Root, Root)]   // 1777 root: /tmp
    [InlineData(Dir | Sticky | 0x1FF, Root, Dovecot)]
    [InlineData(Dir | 0x16D, Root, Root)]            // 0555: not writable at all
    public void DirectoriesOnlyRootOrTheModulesUserCanChangeAreTrusted(uint mode, uint owner, uint euid) =>
        Assert.Null(TrustedDirectories.Problem("/d", mode, owner, euid));

    [Theory]
    [InlineData(Dir | 0x1FF, Root, Root, "writable by group or others: chmod go-w /d")]   // 0777, not sticky
    [InlineData(Dir | 0x1FD, Root, Root, "writable by group or others")]                  // 0775: group-writable
    [InlineData(Dir | 0x1EF, Root, Root, "writable by group or others")]                  // 0757: other-writable
    [InlineData(Dir | Sticky | 0x1FF, Nobody, Root, "owned by uid 65534")]              // 1777 but not root's
    [InlineData(Dir | Sticky | 0x1FD, Dovecot, Dovecot, "writable by group or others")] // sticky, the euid's: not enough
    [InlineData(Dir | 0x1ED, Nobody, Root, "owned by uid 65534, not by root: chown root /d")]
    [InlineData(Dir | 0x1ED, Nobody, Dovecot, "owned by uid 65534")]                   // another non-root user
    [InlineData(Dir | 0x1ED, Dovecot, Root, "owned by uid 110")]                        // root does not trust dovecot
    [InlineData(Link | 0x1FF, Root, Root, "is a symbolic link")]
    [InlineData(Regular | 0x1A4, Root, Root, "is not a directory")]
    public void OtherDirectoriesAreRefusedWithTheReason(uint mode, uint owner, uint euid, string expected)
    {
        string? problem = TrustedDirectories.Problem("/d", mode, owner, euid);
        Assert.NotNull(problem);
        Assert.Contains("/d", problem);
        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData("/etc/pam_mysql_net.conf", "etc|pam_mysql_net.conf")]
    [InlineData("//etc//./pam.conf", "etc|pam.conf")]
    [InlineData("/x.conf", "x.conf")]
    public void PathsAreSplitIntoTheNamesWalked(string path, string expected)
    {
        var names = TrustedDirectories.Components(path, out var error);
        Assert.Null(error);
        Assert.Equal(expected, string.Join('|', names!));
    }

    [Theory]
    [InlineData("etc/x.conf", "absolute")]
    [InlineData("/etc/../tmp/x.conf", "'..'")]
    [InlineData("/etc/x.conf/..", "'..'")]
    [InlineData("/", "names no file")]
    [InlineData("/./", "names no file")]
    public void PathsThatCannotBeWalkedAreRefused(string path, string expected)
    {
        Assert.Null(TrustedDirectories.Components(path, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void RealDirectoriesAreWalkedWithoutFollowingLinks()
    {
        string dir = Directory.CreateTempSubdirectory("pmn-dirs").FullName;
        try
        {
            string inner = Path.Combine(dir, "inner");
            Directory.CreateDirectory(inner);
            string file = Path.Combine(inner, "pmn.conf");
            File.WriteAllText(file, "users.table = t\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Null(SecureConfigFile.Instance.Read(file).Error);

            string link = Path.Combine(dir, "link");
            Directory.CreateSymbolicLink(link, inner);
            Assert.Contains($"directory {link} is a symbolic link", SecureConfigFile.Instance.Read(Path.Combine(link, "pmn.conf")).Error);

            File.SetUnixFileMode(inner, (UnixFileMode)0x1FF); // 0777
            Assert.Contains($"directory {inner} is writable by group or others", SecureConfigFile.Instance.Read(file).Error);
            File.SetUnixFileMode(inner, (UnixFileMode)0x3FF); // 1777, owned by the test's user
            string? sticky = SecureConfigFile.Instance.Read(file).Error;
            if (Environment.UserName == "root")
                Assert.Null(sticky);
            else
                Assert.Contains("writable by group or others", sticky);
            File.SetUnixFileMode(inner, (UnixFileMode)0x1C0);

            Assert.Contains($"directory {dir}/none does not exist", SecureConfigFile.Instance.Read(Path.Combine(dir, "none", "x.conf")).Error);
            Assert.Contains("'..'", SecureConfigFile.Instance.Read(Path.Combine(inner, "..", "inner", "pmn.conf")).Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
