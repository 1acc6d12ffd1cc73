namespace PamMySqlNet.Tests.Sql;

public class QuerySetTests
{
    internal static ModuleSettings Seed => new()
    {
        Database = "postfix", DbUser = "postfix", Table = "mailbox", UserColumn = "username", PasswdColumn = "password",
    };

    internal static QuerySet Build(ModuleSettings s)
    {
        var q = QuerySet.Build(s, out var error);
        Assert.Null(error);
        return q!;
    }

    [Fact]
    public void SeedQueryUsesAParameterForTheUser()
    {
        var q = Build(Seed);
        Assert.Equal("SELECT password FROM mailbox WHERE username = @pmn_user LIMIT 2", q.Lookup);
        Assert.False(q.LookupHasStatus);
        Assert.Equal("UPDATE mailbox SET password = @pmn_hash WHERE username = @pmn_user", q.Update);
        Assert.Null(q.LogInsert);
    }

    /// <summary>The lookup of a process that has verified no row yet: the user's rows (marked 0) and one
    /// stored password of the table (marked 1), whose cost the unknown-user dummy follows.</summary>
    [Fact]
    public void TheLookupWithASampleIsStillOneQuery()
    {
        Assert.Equal("(SELECT password, 0 FROM mailbox WHERE username = @pmn_user LIMIT 2)"
                     + " UNION ALL (SELECT password, 1 FROM mailbox WHERE password IS NOT NULL LIMIT 1)", Build(Seed).LookupWithSample);
        Assert.Equal("(SELECT password, st, 0 FROM mailbox WHERE username = @pmn_user AND (active = 1) LIMIT 2)"
                     + " UNION ALL (SELECT password, st, 1 FROM mailbox WHERE password IS NOT NULL AND (active = 1) LIMIT 1)",
            Build(Seed with { StatColumn = "st", Where = "active = 1" }).LookupWithSample);
        Assert.Null(Build(Seed with { Select = "SELECT password FROM mailbox WHERE username = %u" }).LookupWithSample);
    }

    [Fact]
    public void WhereIsAppendedInParentheses()
    {
        var q = Build(Seed with { Where = "active = '1' OR x = \"a;b\"" });
        Assert.Equal("SELECT password FROM mailbox WHERE username = @pmn_user AND (active = '1' OR x = \"a;b\") LIMIT 2", q.Lookup);
        Assert.Equal("UPDATE mailbox SET password = @pmn_hash WHERE username = @pmn_user AND (active = '1' OR x = \"a;b\")", q.Update);
    }

    [Fact]
    public void StatusColumnIsTheSecondColumnOfTheOneLookup()
    {
        var q = Build(Seed with { StatColumn = "IF(active = 1, 0, 1)" });
        Assert.Equal("SELECT password, IF(active = 1, 0, 1) FROM mailbox WHERE username = @pmn_user LIMIT 2", q.Lookup);
        Assert.True(q.LookupHasStatus);
    }

    [Fact]
    public void UpdateTableTakesTheUpdateWithoutTheLookupsWhere()
    {
        var q = Build(Seed with { Table = "mailbox m JOIN domain d USING (domain)", UpdateTable = "mailbox", Where = "d.active = 1" });
        Assert.Equal("UPDATE mailbox SET password = @pmn_hash WHERE username = @pmn_user", q.Update);
    }

    [Fact]
    public void JoinTablesAndQualifiedColumnsAreAccepted()
    {
        var s = Seed with
        {
            Table = "mailbox m JOIN domain d ON (m.domain = d.domain)",
            UserColumn = "m.username",
            PasswdColumn = "`m`.`password`",
        };
        Assert.StartsWith("SELECT `m`.`password` FROM mailbox m JOIN domain d ON (m.domain = d.domain) WHERE m.username = @pmn_user",
            Build(s).Lookup);
    }

    [Fact]
    public void SqlLogInsertNamesOnlyTheConfiguredColumns()
    {
        var q = Build(Seed with
        {
            SqlLog = true, LogTable = "logs", LogMsgColumn = "msg", LogUserColumn = "user", LogPidColumn = "pid",
            LogTimeColumn = "ts",
        });
        Assert.Equal("INSERT INTO logs (msg, user, pid, ts) VALUES (@pmn_msg, @pmn_user, @pmn_pid, NOW())", q.LogInsert);
    }

    [Fact]
    public void SqlLogNeedsATableAndAMessageColumn()
    {
        QuerySet.Build(Seed with { SqlLog = true, LogMsgColumn = "msg" }, out var error);
        Assert.Contains("logtable", error);
        QuerySet.Build(Seed with { SqlLog = true, LogTable = "logs" }, out error);
        Assert.Contains("logmsgcolumn", error);
    }

    [Theory]
    [InlineData("SELECT password FROM mailbox WHERE username = '%u' AND active = 1", "SELECT password FROM mailbox WHERE username = @pmn_user AND active = 1")]
    [InlineData("select p, s from t where u = %u", "select p, s from t where u = @pmn_user")]
    [InlineData("SELECT p FROM t WHERE u = \"%u\"", "SELECT p FROM t WHERE u = @pmn_user")]
    public void CustomSelectBindsTheUserAsAParameter(string select, string expected) =>
        Assert.Equal(expected, Build(Seed with { Select = select }).Lookup);

    [Theory]
    [InlineData("DELETE FROM mailbox WHERE username = '%u'")]
    [InlineData("SELECT password FROM mailbox")]
    [InlineData("SELECT password FROM mailbox WHERE username = '%u'; DROP TABLE x")]
    public void BadCustomSelectsAreRefused(string select)
    {
        QuerySet.Build(Seed with { Select = select }, out var error);
        Assert.Contains("select", error);
    }

    [Theory]
    [InlineData("table", "mailbox; DROP TABLE mailbox")]
    [InlineData("table", "mailbox -- x")]
    [InlineData("table", "mailbox /* x */")]
    [InlineData("table", "mailbox # x")]
    [InlineData("table", "")]
    [InlineData("where", "a = 'unclosed")]
    [InlineData("where", "(a = 1")]
    [InlineData("where", "a = 1)")]
    [InlineData("where", "a = ?")]
    [InlineData("where", "a = '\\\0'")] // found by the fuzzer: an escaped NUL inside quotes
    [InlineData("where", "a = 1\n; DROP TABLE x")]
    [InlineData("usercolumn", "user name")]
    [InlineData("usercolumn", "username = '' OR 1")]
    [InlineData("usercolumn", "")]
    [InlineData("passwdcolumn", "pass`word")]
    [InlineData("passwdcolumn", "a..b")]
    [InlineData("statcolumn", "1; DROP TABLE x")]
    [InlineData("update_table", "mailbox -- x")]
    [InlineData("table", "%[table]")] // pam_mysql's option references are not expanded here
    [InlineData("statcolumn", "IF(%{status}, 1, 0)")]
    public void UnsafeFragmentsAreRefused(string option, string value)
    {
        var s = option switch
        {
            "table" => Seed with { Table = value },
            "where" => Seed with { Where = value },
            "usercolumn" => Seed with { UserColumn = value },
            "statcolumn" => Seed with { StatColumn = value },
            "update_table" => Seed with { UpdateTable = value },
            _ => Seed with { PasswdColumn = value },
        };
        QuerySet.Build(s, out var error);
        Assert.NotNull(error);
        Assert.Contains(option, error);
    }
}
