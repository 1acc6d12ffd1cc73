namespace PamMySqlNet.Tests.Sql;

/// <summary>throttle_table's statements: the table is the admin's identifier, checked; everything
/// else (keys, thresholds, times, the window) is a parameter.</summary>
public class ThrottleQueriesTests
{
    private static ModuleSettings Seed => QuerySetTests.Seed;

    private static ModuleSettings WithTable(string? table) => Seed with { Throttle = Seed.Throttle with { Table = table } };

    [Fact]
    public void WithoutTheOptionThereAreNoStatements() => Assert.Null(QuerySet.Build(Seed, out _)!.Throttle);

    [Theory]
    [InlineData("pam_throttle")]
    [InlineData("mail.pam_throttle")]
    [InlineData("`pam throttle`")]
    [InlineData("`mail`.`pam_throttle`")]
    public void ATableNameIsAccepted(string table)
    {
        var q = QuerySet.Build(WithTable(table), out var error);
        Assert.Null(error);
        Assert.Equal(table, q!.Throttle!.Table);
    }

    [Theory]
    [InlineData("pam_throttle; DROP TABLE mailbox")]
    [InlineData("pam_throttle JOIN mailbox")]
    [InlineData("a.b.c")]
    [InlineData("pam_throttle -- x")]
    [InlineData("pam_throttle'")]
    [InlineData("`pam_throttle")]
    [InlineData("(SELECT 1)")]
    [InlineData("t@pmn_now")]
    public void AnythingButATableNameIsRefused(string table)
    {
        Assert.Null(QuerySet.Build(WithTable(table), out var error));
        Assert.Equal("option 'throttle_table' is not a table name (name or database.name)", error);
    }

    [Fact]
    public void TheOptionIsReadFromTheLineAndTheConfigFileKey()
    {
        Assert.Equal("mail.pam_throttle", OptionParser.Parse(["throttle_table=mail.pam_throttle"]).Settings.Throttle.Table);
        Assert.Equal("throttle_table", OptionTable.FindConfigKey("throttle.table")!.Name);
        Assert.Null(OptionParser.Parse([]).Settings.Throttle.Table);
    }

    [Fact]
    public void TheSelectReadsTheKeysByPrimaryKey()
    {
        var q = new ThrottleQueries("pam_throttle");
        Assert.Equal("SELECT throttle_key, failures, window_start, last_failure FROM pam_throttle WHERE throttle_key IN (@pmn_key0, @pmn_key1)",
            q.Select(2));
        Assert.Equal("SELECT throttle_key, failures, window_start, last_failure FROM pam_throttle WHERE throttle_key IN (@pmn_key0)",
            q.Select(1));
    }

    [Fact]
    public void OneUpsertCountsAFailureForEveryKey()
    {
        const string newWindow = "window_start <= @pmn_now - @pmn_window AND (failures < threshold OR last_failure <= @pmn_now - @pmn_window)";
        Assert.Equal(
            "INSERT INTO t (throttle_key, failures, threshold, window_start, last_failure)"
            + " VALUES (@pmn_key0, 1, @pmn_threshold0, @pmn_now, @pmn_now), (@pmn_key1, 1, @pmn_threshold1, @pmn_now, @pmn_now)"
            + $" ON DUPLICATE KEY UPDATE failures = IF({newWindow}, 1, LEAST(failures + 1, 1000000)),"
            + $" window_start = IF({newWindow}, @pmn_now, window_start),"
            + " threshold = VALUES(threshold), last_failure = @pmn_now",
            new ThrottleQueries("t").Upsert(2));
        Assert.Contains("VALUES (@pmn_key0, 1, @pmn_threshold0, @pmn_now, @pmn_now) ON DUPLICATE", new ThrottleQueries("t").Upsert(1));
    }

    /// <summary>failures is assigned first, threshold and last_failure last: an in-order server
    /// (MySQL) and an all-at-once one (MariaDB's SIMULTANEOUS_ASSIGNMENT) compute the same row.</summary>
    [Fact]
    public void TheUpsertAssignsInAnOrderEveryServerAgreesOn()
    {
        string update = new ThrottleQueries("t").Upsert(2).Split("ON DUPLICATE KEY UPDATE ")[1];
        var order = new[] { "failures =", "window_start =", "threshold =", "last_failure =" }.Select(c => update.IndexOf(c, StringComparison.Ordinal)).ToArray();
        Assert.All(order, i => Assert.True(i >= 0));
        Assert.Equal(order.OrderBy(i => i), order);
    }

    [Fact]
    public void ASuccessDeletesTheKeysRows() =>
        Assert.Equal("DELETE FROM `m`.`t` WHERE throttle_key IN (@pmn_key0, @pmn_key1)", new ThrottleQueries("`m`.`t`").Delete(2));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void OnlyOneOrTwoKeys(int keys)
    {
        var q = new ThrottleQueries("t");
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Select(keys));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Upsert(keys));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Delete(keys));
    }

    /// <summary>The schema the documentation shows is the one the statements use.</summary>
    [Fact]
    public void TheDocumentedSchemaIsTheStatementsOwn()
    {
        string create = ThrottleQueries.CreateTable("pam_throttle");
        foreach (var column in new[] { "throttle_key VARBINARY(512) NOT NULL PRIMARY KEY", "failures INT NOT NULL", "threshold INT NOT NULL",
                     "window_start BIGINT NOT NULL", "last_failure BIGINT NOT NULL" })
            Assert.Contains(column, create);
        string normalized(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(normalized(create), normalized(RepoFiles.Read("README.md")));
        Assert.Contains(normalized(create), normalized(RepoFiles.Read("docs/examples/pam_throttle.sql")));
        Assert.Contains(normalized(create), normalized(RepoFiles.Read("docs/man/pam_mysql_net.8")));
    }
}
