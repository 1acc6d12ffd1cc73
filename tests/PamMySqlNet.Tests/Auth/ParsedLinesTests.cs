using PamMySqlNet.Auth;

namespace PamMySqlNet.Tests.Auth;

/// <summary>Which pam.d lines are parsed once per process and which on every call.</summary>
public class ParsedLinesTests
{
    private static string[] Line(params string[] extra) =>
        ["user=postfix", "passwd=dbsecret", "db=postfix", "table=mailbox", "usercolumn=username", "passwdcolumn=password", .. extra];

    [Fact]
    public void ALineWithoutConfigFileIsParsedOnce()
    {
        var args = Line("crypt=1", "query_timeout=9");
        var first = ParsedLines.Get(args, null);
        Assert.Same(first, ParsedLines.Get(args.ToArray(), null));
        Assert.Equal(9, first.Parsed.Settings.QueryTimeoutSeconds);
        Assert.NotNull(first.Queries);
        Assert.Contains("mailbox", first.Queries!.Lookup);
    }

    [Fact]
    public void DifferentArgumentsGetTheirOwnParse()
    {
        var a = ParsedLines.Get(Line("query_timeout=11"), null);
        var b = ParsedLines.Get(Line("query_timeout=12"), null);
        Assert.NotSame(a, b);
        Assert.Equal(12, b.Parsed.Settings.QueryTimeoutSeconds);
    }

    [Fact]
    public void ALineNamingAConfigFileIsParsedOnEveryCall()
    {
        // The file does not exist: every call reports it, none is remembered.
        var args = Line("config_file=/nonexistent/pmn-test.conf");
        var first = ParsedLines.Get(args, null);
        Assert.NotEmpty(first.Parsed.Errors);
        Assert.NotSame(first, ParsedLines.Get(args, null));
    }

    [Fact]
    public void BadQueriesAreReportedFromTheRememberedParseToo()
    {
        var args = Line("where=1; DROP TABLE mailbox");
        var first = ParsedLines.Get(args, null);
        var again = ParsedLines.Get(args, null);
        Assert.Same(first, again);
        Assert.Null(again.Queries);
        Assert.NotNull(again.QueryError);
    }
}
