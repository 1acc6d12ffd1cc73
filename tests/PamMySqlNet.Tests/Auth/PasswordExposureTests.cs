namespace PamMySqlNet.Tests.Auth;

/// <summary>passwd= on a pam.d line that others can read is named, with the fix.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PasswordExposureTests() : TempDirectoryTest("pmn-exposure")
{
    private void Service(string name, UnixFileMode mode)
    {
        string path = PathIn(name);
        File.WriteAllText(path, "auth required pam_mysql_net.so passwd=x\n");
        File.SetUnixFileMode(path, mode);
    }

    [Theory]
    [InlineData("passwd=secret", true)]
    [InlineData("[passwd=with space]", true)]
    [InlineData("passwd=", false)]
    [InlineData("config_file=/etc/pam_mysql_net.conf", false)]
    [InlineData("passwdcolumn=password", false)]
    public void PasswordArgumentsAreRecognised(string arg, bool expected) =>
        Assert.Equal(expected, PasswordExposure.HasPasswordArgument(["user=postfix", arg]));

    [Fact]
    public void AWorldReadableServiceFileIsNamed()
    {
        if (!OperatingSystem.IsLinux())
            return;
        Service("smtp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string? warning = PasswordExposure.Check(["passwd=secret"], "smtp", Dir);
        Assert.NotNull(warning);
        Assert.Contains(PathIn("smtp"), warning);
        Assert.Contains("0600", warning);
        Assert.DoesNotContain("secret", warning);
    }

    [Fact]
    public void APrivateFileOrNoPasswordIsNotNamed()
    {
        if (!OperatingSystem.IsLinux())
            return;
        Service("smtp", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Null(PasswordExposure.Check(["passwd=secret"], "smtp", Dir));
        Service("imap", UnixFileMode.UserRead | UnixFileMode.OtherRead);
        Assert.Null(PasswordExposure.Check(["config_file=/x"], "imap", Dir));
        Assert.Null(PasswordExposure.Check(["passwd=secret"], "missing", Dir));
        Assert.Null(PasswordExposure.Check(["passwd=secret"], "../etc/passwd", Dir));
    }
}
