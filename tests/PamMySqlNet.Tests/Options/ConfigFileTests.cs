namespace PamMySqlNet.Tests.Options;

public class ConfigFileTests
{
    private sealed class Source(string text, bool othersCanRead = false, string? error = null) : IConfigSource
    {
        public ConfigText Read(string path) => new(error is null ? text : null, othersCanRead, error);
    }

    // The sample shipped by Debian's libpam-mysql (/etc/pam-mysql.conf), trimmed.
    private const string DebianSample = """
        # Sample configuration file for pam-mysql

        users.host 		= localhost
        users.database 		= mysql
        users.db_user 		= root
        users.db_passwd		= YOUDIDN'TSETONEDIDYOU?
        #users.where_clause 	= (host)
        users.table 		= user
        users.user_column 	= User
        users.password_column 	= Password
        users.password_crypt 	= 2
        #users.use_md5 		= yes
        """;

    [Fact]
    public void DebianSampleParses()
    {
        var entries = ConfigFile.Parse(DebianSample, out var error);
        Assert.Null(error);
        Assert.Equal(8, entries.Count);
        Assert.Equal(("users.db_passwd", "YOUDIDN'TSETONEDIDYOU?"), (entries[3].Key, entries[3].Value));
    }

    [Fact]
    public void FileValuesOverrideArgumentsAndSpacesAreTrimmed()
    {
        var r = OptionParser.Parse(new[] { "config_file=/etc/x.conf", "db=fromargs", "crypt=1" },
            new Source("users.database = fromfile   \nusers.password_crypt = 2\t\nverbose = 1\n"));
        Assert.Empty(r.Errors);
        Assert.Equal("fromfile", r.Settings.Database);
        Assert.Equal(CryptMode.MySql, r.Settings.Crypt);
        Assert.True(r.Settings.Verbose);
    }

    [Fact]
    public void EveryPamMysqlKeyMapsToItsOption()
    {
        var text = string.Join('\n',
            "users.host = db1:3307", "users.database = d", "users.db_user = u", "users.db_passwd = p", "users.table = t",
            "users.update_table = ut", "users.user_column = uc", "users.password_column = pc", "users.status_column = sc",
            "users.password_crypt = 1", "users.use_md5 = yes", "users.use_323_password = no", "users.where_clause = a = 1",
            "users.disconnect_every_operation = 1", "nullok = 1", "verbose = 1", "log.enabled = 1", "log.table = lt",
            "log.message_column = lm", "log.user_column = lu", "log.host_column = lh", "log.rhost_column = lr",
            "log.pid_column = lp", "log.time_column = ltm");
        var r = OptionParser.Parse(new[] { "config_file=/x" }, new Source(text));
        Assert.Empty(r.Errors);
        Assert.Empty(r.UnknownOptions);
        var s = r.Settings;
        Assert.Equal("db1:3307", Assert.Single(s.Hosts).ToString());
        Assert.Equal(("d", "u", "p", "t", "ut"), (s.Database, s.DbUser, s.DbPassword, s.Table, s.UpdateTable));
        Assert.Equal(("uc", "pc", "sc", "a = 1"), (s.UserColumn, s.PasswdColumn, s.StatColumn, s.Where));
        Assert.Equal((CryptMode.Crypt, true, false, true, true, true), (s.Crypt, s.Md5, s.Use323Passwd, s.DisconnectEveryOp, s.NullOk, s.Verbose));
        Assert.True(s.SqlLog);
        Assert.Equal(("lt", "lm", "lu", "lh", "lr", "lp", "ltm"),
            (s.LogTable, s.LogMsgColumn, s.LogUserColumn, s.LogHostColumn, s.LogRHostColumn, s.LogPidColumn, s.LogTimeColumn));
    }

    [Fact]
    public void QuotedValuesKeepTheirSpaces()
    {
        var r = OptionParser.Parse(new[] { "config_file=/x" }, new Source("users.db_passwd = \"  sp ace\\\"d  \"\n"));
        Assert.Equal("  sp ace\"d  ", r.Settings.DbPassword);
    }

    // NSS-MySQL style line ends, as pam_mysql's scanner reads them: ';' ends the value.
    // (Found by tests/integration/differential.sh: such a file worked with pam_mysql, not with us.)
    [Fact]
    public void SemicolonEndsAValueAsInPamMysql()
    {
        var r = OptionParser.Parse(new[] { "config_file=/x" },
            new Source("users.database = postfix;\nusers.password_crypt = 1 ;\nusers.db_passwd = \"a;b\";\nusers.where_clause = active = 1;  \n"));
        Assert.Empty(r.Errors);
        Assert.Equal(("postfix", CryptMode.Crypt, "a;b", "active = 1"),
            (r.Settings.Database, r.Settings.Crypt, r.Settings.DbPassword, r.Settings.Where));
    }

    [Fact]
    public void TextAfterTheSemicolonIsRefused() =>
        Assert.Contains("line 1: text after ';'", Assert.Single(OptionParser.Parse(new[] { "config_file=/x" },
            new Source("users.where_clause = active = 1; DELETE FROM log\n")).Errors));

    [Fact]
    public void PasswordInAWorldReadableFileIsRefused()
    {
        var r = OptionParser.Parse(new[] { "config_file=/etc/pmn.conf" }, new Source("users.db_passwd = x\n", othersCanRead: true));
        var error = Assert.Single(r.Errors);
        Assert.Contains("chmod o-r /etc/pmn.conf", error);
        Assert.DoesNotContain("= x", error);
    }

    [Fact]
    public void WorldReadableFileWithoutPasswordIsFine() =>
        Assert.Empty(OptionParser.Parse(new[] { "config_file=/x" }, new Source("users.table = t\n", othersCanRead: true)).Errors);

    [Theory]
    [InlineData("users.table\n", "line 1")]
    [InlineData("# ok\nusers.table = \"unclosed\n", "line 2")]
    [InlineData("users.password_crypt = 42\n", "line 1")]
    public void BrokenFilesAreErrors(string text, string expected) =>
        Assert.Contains(expected, Assert.Single(OptionParser.Parse(new[] { "config_file=/x" }, new Source(text)).Errors));

    [Fact]
    public void UnreadableFileIsAnError() =>
        Assert.Contains("does not exist",
            Assert.Single(OptionParser.Parse(new[] { "config_file=/x" }, new Source("", error: "does not exist")).Errors));

    [Fact]
    public void UnknownKeysAreReportedNotFatal()
    {
        var r = OptionParser.Parse(new[] { "config_file=/x" }, new Source("users.tabel = t\n"));
        Assert.Empty(r.Errors);
        Assert.Equal("key 'users.tabel' in /x", Assert.Single(r.UnknownOptions));
    }

    [Fact]
    public void AFileKeyThatChangesAnArgumentIsNoticedByNameNeverByValue()
    {
        var r = OptionParser.Parse(
            new[] { "config_file=/etc/x.conf", "passwd=fromargs", "ssl_mode=verify_identity", "crypt=1", "db=d" },
            new Source("users.db_passwd = fromfile\nssl.mode = required\nusers.password_crypt = Y\nusers.table = t\n"));
        Assert.Empty(r.Errors);
        Assert.Equal(SslMode.Required, r.Settings.SslMode); // the file still wins (pam_mysql's order)
        Assert.Equal(2, r.Notices.Count);                  // crypt: Y is the same as 1; table: no argument
        Assert.Equal("/etc/x.conf line 1 (users.db_passwd) overrides the module argument 'passwd' with another value", r.Notices[0]);
        Assert.Contains("line 2 (ssl.mode) overrides the module argument 'ssl_mode'", r.Notices[1]);
        Assert.DoesNotContain(r.Notices, n => n.Contains("fromargs") || n.Contains("fromfile") || n.Contains("required"));
    }

    [Fact]
    public void TheSameValueOrTheSameServersInTheFileAreNotNoticed()
    {
        var r = OptionParser.Parse(new[] { "config_file=/x", "host=db1,db2:3307", "verbose=0", "nullok" },
            new Source("users.host = db1, db2:3307\nverbose = no\nnullok = 1\nnullok = 0\nnullok = 1\n"));
        Assert.Empty(r.Errors);
        Assert.Equal("/x line 4 (nullok) overrides the module argument 'nullok' with another value", Assert.Single(r.Notices));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void RealFileMustNotBeASymlinkOrWritableByOthers()
    {
        string dir = Directory.CreateTempSubdirectory("pmn-conf").FullName;
        try
        {
            string file = Path.Combine(dir, "pmn.conf");
            File.WriteAllText(file, "users.table = t\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Null(SecureConfigFile.Instance.Read(file).Error);
            Assert.False(SecureConfigFile.Instance.Read(file).OthersCanRead);

            string link = Path.Combine(dir, "link.conf");
            File.CreateSymbolicLink(link, file);
            Assert.Contains("symbolic link", SecureConfigFile.Instance.Read(link).Error);

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);
            Assert.Contains("chmod go-w", SecureConfigFile.Instance.Read(file).Error);

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.OtherRead);
            Assert.True(SecureConfigFile.Instance.Read(file).OthersCanRead);

            Assert.Contains("does not exist", SecureConfigFile.Instance.Read(Path.Combine(dir, "missing")).Error);
            Assert.Contains("absolute", SecureConfigFile.Instance.Read("relative.conf").Error);
            Assert.Contains("regular file", SecureConfigFile.Instance.Read(dir).Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
