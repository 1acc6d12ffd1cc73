using PamMySqlNet.Options;

namespace PamMySqlNet.Sql;

/// <summary>
/// The SELECT that finds a user's stored password. Table, columns and where come from the admin's
/// configuration (checked by <see cref="SqlTextRules"/>); the user name is only ever the parameter
/// <see cref="UserParameter"/>.
/// </summary>
public sealed record UserQuery(string Text)
{
    public const string UserParameter = "@pmn_user";

    /// <summary>Builds the query, or says which option is unusable.</summary>
    public static UserQuery Build(ModuleSettings s, out string? error)
    {
        error = SqlTextRules.CheckFragment("table", s.Table, required: true)
                ?? SqlTextRules.CheckColumn("usercolumn", s.UserColumn)
                ?? SqlTextRules.CheckColumn("passwdcolumn", s.PasswdColumn)
                ?? SqlTextRules.CheckFragment("where", s.Where, required: false);
        if (error is not null)
            return new UserQuery("");
        var text = $"SELECT {s.PasswdColumn} FROM {s.Table} WHERE {s.UserColumn} = {UserParameter}";
        if (s.Where is not null)
            text += $" AND ({s.Where})";
        text += " LIMIT 2"; // two rows are enough to see that a name is not unique
        return new UserQuery(text);
    }
}
