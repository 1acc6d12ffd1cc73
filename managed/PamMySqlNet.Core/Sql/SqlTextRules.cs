namespace PamMySqlNet.Sql;

/// <summary>
/// Checks the SQL fragments that come from the admin's configuration. They are trusted SQL text in
/// pam_mysql (a table may be a JOIN, a where clause any condition), so they are not escaped; what is
/// refused here is what no single SELECT fragment needs: statement separators, comments, NULs and
/// unbalanced quotes or parentheses, which would let a bad config change the shape of the query;
/// and, outside quotes, pam_mysql's <c>%[option]</c> / <c>%{option}</c> references, which this module
/// does not expand (the placeholders it does expand are <see cref="Placeholders"/>).
/// </summary>
public static class SqlTextRules
{
    /// <summary>A column: name, table.name, or `quoted` parts.</summary>
    public static string? CheckColumn(string option, string? text) => CheckIdentifier(option, text, "a column name");

    /// <summary>A table named by itself (throttle_table): name or database.name, or `quoted`
    /// parts; never a JOIN or any other SQL, as the module writes to it.</summary>
    public static string? CheckTableName(string option, string? text)
    {
        string? error = CheckIdentifier(option, text, "a table name (name or database.name)");
        return error is null && SplitDotted(text!).Count() > 2
            ? $"option '{option}' is not a table name (name or database.name)"
            : error;
    }

    private static string? CheckIdentifier(string option, string? text, string what)
    {
        if (string.IsNullOrEmpty(text))
            return $"option '{option}' is required";
        foreach (var part in SplitDotted(text))
        {
            if (part is null || !IsIdentifierPart(part))
                return $"option '{option}' is not {what}";
        }
        return null;
    }

    /// <summary>A table or JOIN expression, or a where condition.</summary>
    public static string? CheckFragment(string option, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
            return required ? $"option '{option}' is required" : null;
        // Checked over the whole text first: inside quotes a backslash skips the next character below.
        if (text.Any(c => char.IsControl(c) && c != '\t'))
            return $"option '{option}' holds a control character";
        int depth = 0;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote != '`')
                    i++;
                else if (c == quote)
                {
                    if (i + 1 < text.Length && text[i + 1] == quote)
                        i++;
                    else
                        quote = '\0';
                }
                continue;
            }
            switch (c)
            {
                case '\'' or '"' or '`':
                    quote = c;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth < 0)
                        return $"option '{option}' has an unbalanced ')'";
                    break;
                case ';':
                    return $"option '{option}' may not contain ';'";
                case '#':
                    return $"option '{option}' may not contain a comment";
                case '-' when i + 1 < text.Length && text[i + 1] == '-':
                    return $"option '{option}' may not contain a comment";
                case '/' when i + 1 < text.Length && text[i + 1] == '*':
                    return $"option '{option}' may not contain a comment";
                case '?':
                    return $"option '{option}' may not contain '?'";
                case '%' when i + 1 < text.Length && text[i + 1] is '[' or '{':
                    return $"option '{option}': pam_mysql's %{text[i + 1]}option{(text[i + 1] == '[' ? ']' : '}')} references are not supported; write the name itself";
            }
        }
        if (quote != '\0')
            return $"option '{option}' has an unclosed quote";
        if (depth != 0)
            return $"option '{option}' has an unbalanced '('";
        return null;
    }

    private static IEnumerable<string?> SplitDotted(string text)
    {
        int start = 0;
        while (start <= text.Length)
        {
            if (start < text.Length && text[start] == '`')
            {
                int close = text.IndexOf('`', start + 1);
                if (close < 0)
                {
                    yield return null;
                    yield break;
                }
                yield return text[start..(close + 1)];
                start = close + 1;
                if (start == text.Length)
                    yield break;
                if (text[start] != '.')
                {
                    yield return null;
                    yield break;
                }
                start++;
                continue;
            }
            int dot = text.IndexOf('.', start);
            if (dot < 0)
            {
                yield return text[start..];
                yield break;
            }
            yield return text[start..dot];
            start = dot + 1;
        }
    }

    private static bool IsIdentifierPart(string part)
    {
        if (part.Length >= 3 && part[0] == '`' && part[^1] == '`')
            return part.AsSpan(1, part.Length - 2).IndexOfAny('`', '\0') < 0;
        return part.Length > 0 && part.Length <= 64 && part.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$');
    }
}
