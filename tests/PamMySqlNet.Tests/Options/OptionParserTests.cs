namespace PamMySqlNet.Tests.Options;

public class OptionParserTests
{
    private static readonly string[] SeedLine =
    {
        "user=postfix", "passwd=yourpass", "host=127.0.0.1", "db=postfix", "table=mailbox",
        "usercolumn=username", "passwdcolumn=password", "crypt=1", "md5=1",
    };

    [Fact]
    public void SeedLineParsesToItsSettings()
    {
        var r = OptionParser.Parse(SeedLine);
        Assert.Empty(r.Errors);
        Assert.Empty(r.UnknownOptions);
        var s = r.Settings;
        Assert.Equal("postfix", s.DbUser);
        Assert.Equal("yourpass", s.DbPassword);
        Assert.Equal("postfix", s.Database);
        Assert.Equal("mailbox", s.Table);
        Assert.Equal("username", s.UserColumn);
        Assert.Equal("password", s.PasswdColumn);
        Assert.Equal(CryptMode.Crypt, s.Crypt);
        Assert.True(s.Md5);
        var host = Assert.Single(s.Hosts);
        Assert.Equal(new DbEndpoint("127.0.0.1", 3306, null), host);
    }

    [Fact]
    public void DefaultsArePamMysqls()
    {
        var s = OptionParser.Parse(Array.Empty<string>()).Settings;
        Assert.Equal(CryptMode.Plain, s.Crypt);
        Assert.True(s.TryFirstPass);
        Assert.False(s.UseFirstPass);
        Assert.False(s.Verbose);
        Assert.Equal("/run/mysqld/mysqld.sock", Assert.Single(s.Hosts).SocketPath);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("N", false)]
    [InlineData("n", false)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("FALSE", false)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("", true)]
    [InlineData("off", true)] // pam_mysql's rule: only the listed spellings are false
    public void BooleansFollowPamMysqlsSpelling(string value, bool expected)
    {
        var s = OptionParser.Parse(new[] { $"verbose={value}" }).Settings;
        Assert.Equal(expected, s.Verbose);
    }

    [Fact]
    public void BareWordIsTrueAndDebugIsVerbose()
    {
        var s = OptionParser.Parse(new[] { "debug", "use_first_pass", "try_first_pass=0" }).Settings;
        Assert.True(s.Verbose);
        Assert.True(s.UseFirstPass);
        Assert.False(s.TryFirstPass);
    }

    [Theory]
    [InlineData("0", CryptMode.Plain)]
    [InlineData("N", CryptMode.Plain)]
    [InlineData("plain", CryptMode.Plain)]
    [InlineData("1", CryptMode.Crypt)]
    [InlineData("Y", CryptMode.Crypt)]
    [InlineData("2", CryptMode.MySql)]
    [InlineData("mysql", CryptMode.MySql)]
    [InlineData("3", CryptMode.Md5)]
    [InlineData("4", CryptMode.Sha1)]
    [InlineData("5", CryptMode.Drupal7)]
    [InlineData("6", CryptMode.Joomla15)]
    [InlineData("7", CryptMode.Ssha)]
    [InlineData("8", CryptMode.Sha512)]
    [InlineData("9", CryptMode.Sha256)]
    [InlineData("auto", CryptMode.Auto)]
    public void CryptModes(string value, CryptMode expected)
    {
        var r = OptionParser.Parse(new[] { $"crypt={value}" });
        Assert.Empty(r.Errors);
        Assert.Equal(expected, r.Settings.Crypt);
    }

    [Theory]
    [InlineData("crypt=10")]
    [InlineData("crypt=bogus")]
    [InlineData("host=db:99999")]
    [InlineData("host=db:x")]
    [InlineData("connect_timeout=0")]
    [InlineData("connect_timeout=abc")]
    [InlineData("ssl_mode=sometimes")]
    [InlineData("rounds=2")]
    public void BadValuesAreErrors(string arg)
    {
        var r = OptionParser.Parse(new[] { arg });
        Assert.Single(r.Errors);
    }

    [Fact]
    public void UnknownOptionsAreCollectedNotFatal()
    {
        var r = OptionParser.Parse(new[] { "usercolum=username", "db=x" });
        Assert.Equal(new[] { "option 'usercolum'" }, r.UnknownOptions);
        Assert.Empty(r.Errors);
        Assert.Equal("x", r.Settings.Database);
    }

    [Fact]
    public void ValueKeepsEverythingAfterTheFirstEquals()
    {
        var s = OptionParser.Parse(new[] { "where=active = '1' AND domain='a=b'" }).Settings;
        Assert.Equal("active = '1' AND domain='a=b'", s.Where);
    }

    [Fact]
    public void BracketedArgumentIsUnwrapped()
    {
        var s = OptionParser.Parse(new[] { "[where=a = '[x\\]']" }).Settings;
        Assert.Equal("a = '[x]'", s.Where);
    }

    [Theory]
    [InlineData("db1", "db1", 3306, null)]
    [InlineData("db1:3307", "db1", 3307, null)]
    [InlineData("/var/run/mysqld/mysqld.sock", "localhost", 0, "/var/run/mysqld/mysqld.sock")]
    [InlineData("localhost", "localhost", 0, "/run/mysqld/mysqld.sock")]
    [InlineData("localhost:3306", "localhost", 3306, null)]
    [InlineData("[::1]:3307", "::1", 3307, null)]
    [InlineData("::1", "::1", 3306, null)]
    public void HostForms(string text, string host, int port, string? socket)
    {
        var r = OptionParser.Parse(new[] { $"host={text}" });
        Assert.Empty(r.Errors);
        Assert.Equal(new DbEndpoint(host, port, socket), Assert.Single(r.Settings.Hosts));
    }

    [Fact]
    public void SeveralHostsKeepTheirOrder()
    {
        var hosts = OptionParser.Parse(new[] { "host=db1,db2:3307,/run/x.sock" }).Settings.Hosts;
        Assert.Equal(new[] { "db1:3306", "db2:3307", "/run/x.sock" }, hosts.Select(h => h.ToString()));
    }
}
