using PamMySqlNet.Options;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Tests.Sql;

public class UserQueryTests
{
    private static ModuleSettings Seed => new()
    {
        Database = "postfix", DbUser = "postfix", Table = "mailbox", UserColumn = "username", PasswdColumn = "password",
    };

    [Fact]
    public void SeedQueryUsesAParameterForTheUser()
    {
        var q = UserQuery.Build(Seed, out var error);
        Assert.Null(error);
        Assert.Equal("SELECT password FROM mailbox WHERE username = @pmn_user LIMIT 2", q.Text);
    }

    [Fact]
    public void WhereIsAppendedInParentheses()
    {
        var q = UserQuery.Build(Seed with { Where = "active = '1' OR x = \"a;b\"" }, out var error);
        Assert.Null(error);
        Assert.Equal("SELECT password FROM mailbox WHERE username = @pmn_user AND (active = '1' OR x = \"a;b\") LIMIT 2", q.Text);
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
        var q = UserQuery.Build(s, out var error);
        Assert.Null(error);
        Assert.StartsWith("SELECT `m`.`password` FROM mailbox m JOIN domain d ON (m.domain = d.domain) WHERE m.username = @pmn_user", q.Text);
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
    [InlineData("usercolumn", "user name")]
    [InlineData("usercolumn", "username = '' OR 1")]
    [InlineData("usercolumn", "")]
    [InlineData("passwdcolumn", "pass`word")]
    [InlineData("passwdcolumn", "a..b")]
    public void UnsafeFragmentsAreRefused(string option, string value)
    {
        var s = option switch
        {
            "table" => Seed with { Table = value },
            "where" => Seed with { Where = value },
            "usercolumn" => Seed with { UserColumn = value },
            _ => Seed with { PasswdColumn = value },
        };
        UserQuery.Build(s, out var error);
        Assert.NotNull(error);
        Assert.Contains(option, error);
    }
}
