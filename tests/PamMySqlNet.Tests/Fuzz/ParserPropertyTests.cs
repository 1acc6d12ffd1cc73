using CsCheck;
using PamMySqlNet.Helper;

namespace PamMySqlNet.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing (CsCheck) of everything that parses text an attacker or a careless admin
/// controls: module arguments, config files, SQL fragments, helper frames, user names. None of them
/// may throw; a parsed result is always usable or an error. The iteration count is bounded for CI
/// (PMN_FUZZ_ITER raises it for a long run).
/// </summary>
public class ParserPropertyTests
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("PMN_FUZZ_ITER"), out long n) ? n : 3000;

    private static readonly string[] Names = OptionTable.All.SelectMany(s => s.Aliases.Prepend(s.Name)).ToArray();
    private static readonly string[] Keys = OptionTable.All.Select(s => s.ConfigKey).Where(k => k.Length > 0).ToArray();

    private static Gen<string> Pick(string[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    /// <summary>Nasty text: SQL punctuation, quotes, brackets, control characters, non-ASCII.</summary>
    private static readonly Gen<string> Text = Gen.String[Gen.OneOf(
        Gen.Char.AlphaNumeric, Gen.Char["'\"`;#-/*()=[]\\ %_?,.:@$\t\r\n\0"], Gen.Char['\u0080', '\uFFFF']), 0, 60];

    private static readonly Gen<string> Argument = Gen.OneOf(
        Text,
        Gen.Select(Pick(Names), Text, (name, value) => $"{name}={value}"),
        Gen.Select(Pick(Names), Text, (name, value) => $"[{name}={value}]"));

    private sealed class NoFile : IConfigSource
    {
        public ConfigText Read(string path) => new(null, false, "does not exist");
    }

    private sealed class TextFile(string text, bool othersCanRead) : IConfigSource
    {
        public ConfigText Read(string path) => new(text, othersCanRead, null);
    }

    [Fact]
    public void ModuleArgumentsNeverThrow() =>
        Argument.Array[0, 12].Sample(args =>
        {
            var r = OptionParser.Parse(args, new NoFile());
            // Either usable settings or errors: building queries from them must not throw either.
            _ = QuerySet.Build(r.Settings, out _);
        }, iter: Iterations);

    [Fact]
    public void ConfigFilesNeverThrow()
    {
        var line = Gen.OneOf(Text, Gen.Select(Pick(Keys), Text, (k, v) => $"{k} = {v}"),
            Gen.Select(Pick(Keys), Text, (k, v) => $"{k}=\"{v}"));
        Gen.Select(line.Array[0, 15], Gen.Bool).Sample((lines, othersCanRead) =>
        {
            _ = OptionParser.Parse(new[] { "config_file=/etc/x.conf" }, new TextFile(string.Join('\n', lines), othersCanRead));
        }, iter: Iterations);
    }

    [Fact]
    public void AcceptedSqlFragmentsBuildAParameterizedQuery()
    {
        Text.Sample(text =>
        {
            if (SqlTextRules.CheckFragment("where", text, required: false) is null && text.Trim().Length > 0)
            {
                // What passes has no statement separator or comment outside quotes.
                Assert.DoesNotContain('\0', text);
                var q = QuerySet.Build(new ModuleSettings { Database = "d", DbUser = "u", Table = "t", UserColumn = "u",
                    PasswdColumn = "p", Where = text }, out var error);
                Assert.Null(error);
                Assert.Contains(QuerySet.UserParameter, q!.Lookup);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void UserNamesNeverThrowAndLogSafely() =>
        Text.Sample(name =>
        {
            _ = UserNames.Reject(name);
            string shown = UserNames.ForLog(name);
            Assert.DoesNotContain('\n', shown);
            Assert.DoesNotContain('\0', shown);
            Assert.True(shown.Length <= 64 * 9 + 24);
            foreach (var r in shown.EnumerateRunes())
                Assert.False(PamMySqlNet.Logging.LogText.Unsafe(r));
        }, iter: Iterations);

    [Fact]
    public void HelperFramesNeverThrowOutOfTheSession() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            var input = new MemoryStream(bytes);
            var output = new MemoryStream();
            // Whatever arrives, the session answers with a result (or version) frame and never throws.
            int code = new HelperSession(input, output).Run((_, _, _) => new FailingStore());
            Assert.True(code >= 0);
            Assert.Contains(output.ToArray()[^9], new[] { HelperProtocol.Result, HelperProtocol.VersionMismatch });
        }, iter: Iterations);

    private sealed class FailingStore : IUserStore
    {
        public UserLookup Lookup(string userName) => new(LookupStatus.Unavailable, Detail: "fuzz");
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => new(WriteStatus.Unavailable);
        public WriteResult WriteLog(LogRow row) => new(WriteStatus.Done);
    }
}
