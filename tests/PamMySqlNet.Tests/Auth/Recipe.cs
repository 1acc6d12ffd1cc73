namespace PamMySqlNet.Tests.Auth;

/// <summary>What the flow tests' pam.d lines and stored rows share: the classic recipe's database
/// and column options, and alice@example.test's stored password.</summary>
internal static class Recipe
{
    /// <summary>user, passwd, db, table, usercolumn and passwdcolumn of the classic recipe.</summary>
    public static readonly string[] Database =
    [
        "user=postfix", "passwd=dbsecret", "db=postfix", "table=mailbox", "usercolumn=username",
        "passwdcolumn=password",
    ];

    /// <summary>MD5-crypt of "S3cret!", made by: openssl passwd -1 -salt Zx3QpL0a 'S3cret!'</summary>
    public const string AliceHash = "$1$Zx3QpL0a$khRMgUIOFjtmgLE04xBsi.";
}
