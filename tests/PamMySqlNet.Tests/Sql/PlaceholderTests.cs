namespace PamMySqlNet.Tests.Sql;

/// <summary>%u %s %r %n %d in select= and where=: always parameters, never text.</summary>
public class PlaceholderTests
{
    private static ModuleSettings Seed => QuerySetTests.Seed;

    private static QuerySet Build(ModuleSettings s) => QuerySetTests.Build(s);

    [Theory]
    [InlineData("smtp_active = 1 OR %s <> 'smtp'", "smtp_active = 1 OR @pmn_service <> 'smtp'")]
    [InlineData("domain = %d AND local_part = '%n'", "domain = @pmn_domain AND local_part = @pmn_local")]
    [InlineData("%r IS NULL OR %r LIKE '10.%'", "@pmn_rhost IS NULL OR @pmn_rhost LIKE '10.%'")]
    [InlineData("\"%u\" = username", "@pmn_user = username")]
    // Inside other quoted text % is literal, as pam_mysql passed where= on: LIKE patterns keep working.
    [InlineData("note LIKE '%sales%'", "note LIKE '%sales%'")]
    [InlineData("note = 'a%%b'", "note = 'a%%b'")]
    // %% outside quotes is one %; any other % stays (MySQL's modulo).
    [InlineData("id %% 2 = 0", "id % 2 = 0")]
    [InlineData("id % 2 = 0", "id % 2 = 0")]
    [InlineData("x%%d = 1", "x%d = 1")]
    [InlineData("`%u` = 1", "`%u` = 1")]
    public void WherePlaceholdersBecomeParameters(string where, string expected)
    {
        var q = Build(Seed with { Where = where });
        Assert.Equal($"SELECT password FROM mailbox WHERE username = @pmn_user AND ({expected}) LIMIT 2", q.Lookup);
        Assert.Equal($"UPDATE mailbox SET password = @pmn_hash WHERE username = @pmn_user AND ({expected})", q.Update);
    }

    [Fact]
    public void NoValueIsEverWrittenIntoTheText()
    {
        var q = Build(Seed with { Where = "%s <> 'x' AND %r <> 'y'" }).ForRequest("smtp' OR '1'='1", "10.0.0.1");
        Assert.DoesNotContain("smtp", q.Lookup);
        Assert.DoesNotContain("10.0.0.1", q.Lookup);
        Assert.Equal("smtp' OR '1'='1", q.Service);
        Assert.Equal("10.0.0.1", q.RHost);
    }

    [Fact]
    public void AnEmptyRemoteHostIsNone() => Assert.Null(Build(Seed).ForRequest("smtp", "").RHost);

    /// <summary>A sample row found only for known names would undo what the sample hides.</summary>
    [Fact]
    public void TheSampleKeepsTheWhereOnlyWhenItDoesNotDependOnTheName()
    {
        Assert.EndsWith("WHERE password IS NOT NULL AND (smtp_active = 1 OR @pmn_service <> 'smtp') LIMIT 1)",
            Build(Seed with { Where = "smtp_active = 1 OR %s <> 'smtp'" }).LookupWithSample);
        Assert.EndsWith("WHERE password IS NOT NULL LIMIT 1)", Build(Seed with { Where = "domain = %d" }).LookupWithSample);
        Assert.EndsWith("WHERE password IS NOT NULL LIMIT 1)", Build(Seed with { Where = "active = 1 AND %u <> ''" }).LookupWithSample);
    }

    [Theory]
    [InlineData("SELECT password FROM mailbox WHERE local_part = %n AND domain = '%d' AND (%s <> 'smtp' OR smtp_active = 1)",
        "SELECT password FROM mailbox WHERE local_part = @pmn_local AND domain = @pmn_domain AND (@pmn_service <> 'smtp' OR smtp_active = 1)")]
    [InlineData("SELECT password FROM mailbox WHERE username = '%u' AND %r IS NOT NULL",
        "SELECT password FROM mailbox WHERE username = @pmn_user AND @pmn_rhost IS NOT NULL")]
    public void SelectTakesTheSamePlaceholders(string select, string expected) =>
        Assert.Equal(expected, Build(Seed with { Select = select }).Lookup);

    [Theory]
    // pam_mysql's select= had %s for the user name: refused, never bound to the service.
    [InlineData("SELECT password FROM users WHERE name = '%s'", "pam_mysql")]
    [InlineData("SELECT password FROM users WHERE local_part = %n", "%u (or both %n and %d)")]
    [InlineData("SELECT password FROM %[table] WHERE name = '%u'", "references are not supported")]
    public void SelectMustNameTheUser(string select, string expected)
    {
        Assert.Null(QuerySet.Build(Seed with { Select = select }, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void PamMySqlOptionReferencesAreRefusedInWhere()
    {
        Assert.Null(QuerySet.Build(Seed with { Where = "x = %{table}" }, out var error));
        Assert.Contains("option 'where'", error);
    }

    [Theory]
    [InlineData("alice@example.test", "alice", "example.test")]
    [InlineData("\"a@b\"@example.test", "\"a@b\"", "example.test")]
    [InlineData("alice", "alice", null)]
    [InlineData("alice@", "alice", "")]
    public void LocalPartAndDomainSplitAtTheLastAt(string user, string local, string? domain) =>
        Assert.Equal((local, domain), Placeholders.Split(user));
}
