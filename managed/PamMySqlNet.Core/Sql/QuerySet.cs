using PamMySqlNet.Options;

namespace PamMySqlNet.Sql;

/// <summary>
/// The SQL the module runs, built once from the settings. Table, column, where and select text
/// come from the admin's configuration (checked by <see cref="SqlTextRules"/>); the user name,
/// new hash and log values are only ever the parameters named here.
/// </summary>
/// <param name="Lookup">Returns the stored password, and the status as a second column when
/// <paramref name="LookupHasStatus"/>; at most max_rows + 1 rows (two by default).</param>
/// <param name="Update">Writes a new stored password for one user.</param>
/// <param name="LogInsert">Writes an sqllog row; null when sqllog is off.</param>
/// <param name="LookupWithSample">The lookup, and in the same query one stored password of any user
/// of the table, rows marked by a last column (0 the user's, 1 the sample): the unknown-user dummy
/// follows the sample's scheme and cost (<c>DummyHashes</c>) in a process that has not yet verified
/// a row. Null with a custom <c>select</c>.</param>
/// <param name="Throttle">The statements on throttle_table; null without it (nothing is written).</param>
/// <remarks>The placeholders of <c>select</c> and <c>where</c> (<see cref="Placeholders"/>) are parameters too;
/// their request values (<see cref="Service"/>, <see cref="RHost"/>) come with <see cref="ForRequest"/>.</remarks>
public sealed record QuerySet(string Lookup, bool LookupHasStatus, string Update, string? LogInsert, string? LookupWithSample = null,
    ThrottleQueries? Throttle = null)
{
    /// <summary>PAM_SERVICE of the request these queries run for (%s); null outside a request.</summary>
    public string? Service { get; init; }

    /// <summary>PAM_RHOST of the request (%r); null when the application set none (or an empty one).</summary>
    public string? RHost { get; init; }

    /// <summary>These queries with the values of one request's %s and %r.</summary>
    public QuerySet ForRequest(string? service, string? rhost) =>
        this with { Service = service, RHost = string.IsNullOrEmpty(rhost) ? null : rhost };

    public const string UserParameter = "@pmn_user";
    public const string HashParameter = "@pmn_hash";
    public const string OldHashParameter = "@pmn_old";

    /// <summary>rehash=: <see cref="Update"/> only while the stored value is still, byte for byte, the one
    /// the login verified (compare-and-set: a password changed meanwhile is never overwritten).</summary>
    public string Rehash { get; init; } = "";

    /// <summary>auth_succ_query / auth_fail_query with their placeholders as parameters; null when not set.</summary>
    public string? AuthSucceeded { get; init; }
    public string? AuthFailed { get; init; }
    public const string MessageParameter = "@pmn_msg";
    public const string HostParameter = "@pmn_host";
    public const string RHostParameter = "@pmn_rhost";
    public const string PidParameter = "@pmn_pid";

    /// <summary>Builds the queries, or says which option is unusable.</summary>
    public static QuerySet? Build(ModuleSettings s, out string? error)
    {
        error = SqlTextRules.CheckColumn("usercolumn", s.UserColumn)
                ?? SqlTextRules.CheckColumn("passwdcolumn", s.PasswdColumn)
                ?? SqlTextRules.CheckFragment("table", s.Table, required: true)
                ?? SqlTextRules.CheckFragment("where", s.Where, required: false)
                ?? SqlTextRules.CheckFragment("statcolumn", s.StatColumn, required: false)
                ?? SqlTextRules.CheckFragment("update_table", s.UpdateTable, required: false)
                ?? (s.Throttle.Table is null ? null : SqlTextRules.CheckTableName("throttle_table", s.Throttle.Table));
        if (error is not null)
            return null;
        var whereUse = PlaceholderUse.None;
        string? where = s.Where is null ? null : Placeholders.Expand(s.Where, out whereUse);
        string? lookup = s.Select is null ? GeneratedLookup(s, where) : CustomLookup(s.Select, out error);
        if (lookup is null)
            return null;
        string? log = null;
        if (s.SqlLog && (log = BuildLogInsert(s, out error)) is null)
            return null;
        string? succeeded = Hook("auth_succ_query", s.AuthSuccQuery, ref error), failed = Hook("auth_fail_query", s.AuthFailQuery, ref error);
        if (error is not null)
            return null;
        string? sampled = s.Select is null ? GeneratedLookupWithSample(s, where, whereUse) : null;
        var throttle = s.Throttle.Table is { } table ? new ThrottleQueries(table) : null;
        string update = BuildUpdate(s, where);
        return new QuerySet(lookup, s.StatColumn is not null, update, log, sampled, throttle)
        {
            Rehash = $"{update} AND {s.PasswdColumn} = BINARY {OldHashParameter}",
            AuthSucceeded = succeeded,
            AuthFailed = failed,
        };
    }

    /// <summary>A login hook's text with its placeholders as parameters; null when unset or when
    /// <paramref name="error"/> (kept if already set) says why it cannot be used.</summary>
    private static string? Hook(string option, string? text, ref string? error)
    {
        if (text is null || error is not null)
            return null;
        error = SqlTextRules.CheckFragment(option, text, required: true);
        return error is null ? Placeholders.Expand(text, out _) : null;
    }

    private static string GeneratedLookup(ModuleSettings s, string? where)
    {
        string columns = s.StatColumn is null ? s.PasswdColumn! : $"{s.PasswdColumn}, {s.StatColumn}";
        return $"SELECT {columns} FROM {s.Table} WHERE {s.UserColumn} = {UserParameter}{WhereSuffix(where)} {Limit(s)}";
    }

    /// <summary>max_rows + 1 (LIMIT 2 by default): one row more than allowed is enough to see that there
    /// are too many. A custom select= gets no LIMIT; the store counts its rows the same way.</summary>
    private static string Limit(ModuleSettings s) => $"LIMIT {(s.MaxRows + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <remarks>The sample row keeps the where clause unless it depends on the user name (%u, %n, %d):
    /// then an unknown name would find no sample where a known one does, which is what the sample
    /// is there to hide.</remarks>
    private static string GeneratedLookupWithSample(ModuleSettings s, string? where, PlaceholderUse whereUse)
    {
        string columns = s.StatColumn is null ? s.PasswdColumn! : $"{s.PasswdColumn}, {s.StatColumn}";
        string sampleWhere = (whereUse & PlaceholderUse.UserDerived) != 0 ? "" : WhereSuffix(where);
        return $"(SELECT {columns}, 0 FROM {s.Table} WHERE {s.UserColumn} = {UserParameter}{WhereSuffix(where)} {Limit(s)})"
               + $" UNION ALL (SELECT {columns}, 1 FROM {s.Table} WHERE {s.PasswdColumn} IS NOT NULL{sampleWhere} LIMIT 1)";
    }

    /// <summary>select=...: the placeholders (<see cref="Placeholders"/>) become parameters; the user
    /// must be named, by %u or by both %n and %d.</summary>
    private static string? CustomLookup(string select, out string? error)
    {
        error = SqlTextRules.CheckFragment("select", select, required: true);
        if (error is not null)
            return null;
        string text = Placeholders.Expand(select, out var used);
        bool namesUser = (used & PlaceholderUse.User) != 0
                         || (used & (PlaceholderUse.LocalPart | PlaceholderUse.Domain)) == (PlaceholderUse.LocalPart | PlaceholderUse.Domain);
        error = !select.TrimStart().StartsWith("SELECT ", StringComparison.OrdinalIgnoreCase)
                ? "option 'select' must be a SELECT statement"
                : !namesUser && (used & PlaceholderUse.Service) != 0
                    ? "option 'select' must contain %u where the user name goes (in pam_mysql's select= %s was the user name; here %s is the PAM service)"
                : !namesUser
                    ? "option 'select' must contain %u (or both %n and %d) where the user name goes"
                    : null;
        return error is null ? text : null;
    }

    private static string BuildUpdate(ModuleSettings s, string? where)
    {
        // The where clause belongs to the lookup table; a separate update_table may not have its columns.
        string suffix = s.UpdateTable is null ? WhereSuffix(where) : "";
        return $"UPDATE {s.UpdateTable ?? s.Table} SET {s.PasswdColumn} = {HashParameter} WHERE {s.UserColumn} = {UserParameter}{suffix}";
    }

    private static string? BuildLogInsert(ModuleSettings s, out string? error)
    {
        var optional = new (string Option, string? Column, string Value)[]
        {
            ("logusercolumn", s.LogUserColumn, UserParameter),
            ("loghostcolumn", s.LogHostColumn, HostParameter),
            ("logrhostcolumn", s.LogRHostColumn, RHostParameter),
            ("logpidcolumn", s.LogPidColumn, PidParameter),
            ("logtimecolumn", s.LogTimeColumn, "NOW()"),
        };
        error = SqlTextRules.CheckFragment("logtable", s.LogTable, required: true)
                ?? SqlTextRules.CheckColumn("logmsgcolumn", s.LogMsgColumn);
        var columns = new List<string> { s.LogMsgColumn! };
        var values = new List<string> { MessageParameter };
        foreach (var (option, column, value) in optional)
        {
            if (column is null || error is not null)
                continue;
            error = SqlTextRules.CheckColumn(option, column);
            columns.Add(column);
            values.Add(value);
        }
        return error is null
            ? $"INSERT INTO {s.LogTable} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)})"
            : null;
    }

    private static string WhereSuffix(string? where) => where is null ? "" : $" AND ({where})";
}
