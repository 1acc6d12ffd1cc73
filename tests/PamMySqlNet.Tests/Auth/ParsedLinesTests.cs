namespace PamMySqlNet.Tests.Auth;

/// <summary>Which pam.d lines are parsed once per process and which on every call.</summary>
public class ParsedLinesTests
{
    private static string[] Line(params string[] extra) => [.. Recipe.Database, .. extra];

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
        Assert.NotEmpty(again.Problems);
        Assert.False(again.Usable);
    }

    [Fact]
    public void EveryMissingRequiredOptionIsAProblemOfItsOwn()
    {
        var line = ParsedLines.Load(["table=mailbox", "usercolumn=username", "passwdcolumn=password"]);
        Assert.False(line.Usable);
        Assert.Equal(["option 'db' is required", "option 'user' is required"], line.Problems);
    }

    [Fact]
    public void AMissingOptionAndABadQueryAreBothReported()
    {
        var line = ParsedLines.Load(["user=postfix", "table=mailbox", "usercolumn=username", "passwdcolumn=password", "where=1; DROP TABLE mailbox"]);
        Assert.Equal(2, line.Problems.Count);
        Assert.Equal("option 'db' is required", line.Problems[0]);
        Assert.Contains("where", line.Problems[1]);
    }

    [Fact]
    public void ParserErrorsAreTheProblemsOfALineThatDoesNotParse()
    {
        var line = ParsedLines.Load([.. Line(), "crypt=banana"]);
        Assert.False(line.Usable);
        Assert.Equal(line.Parsed.Errors, line.Problems);
        Assert.Contains(line.Problems, p => p.Contains("banana"));
    }

    [Fact]
    public void ACompleteLineHasNoProblems()
    {
        var line = ParsedLines.Load(Line());
        Assert.True(line.Usable);
        Assert.Empty(line.Problems);
    }
}
