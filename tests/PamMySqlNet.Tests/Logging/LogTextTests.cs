namespace PamMySqlNet.Tests.Logging;

/// <summary>Nothing that can break or disguise a syslog line reaches it as itself.</summary>
public class LogTextTests
{
    [Theory]
    [InlineData("bob\u2028Dec  1 host sshd[1]: Accepted", "bob\\u{2028}Dec  1 host sshd[1]: Accepted")]
    [InlineData("rlo\u202Eyeknom", "rlo\\u{202e}yeknom")]
    [InlineData("denied\nDec 1 forged\u001b[2J", "denied\\u{000a}Dec 1 forged\\u{001b}[2J")]
    [InlineData("a\u2029b\u200Bc\uFEFF", "a\\u{2029}b\\u{200b}c\\u{feff}")]
    [InlineData("priv\uE000ate\uFFFD\uFFFF", "priv\\u{e000}ate\\u{fffd}\\u{ffff}")]
    public void UnsafeCharactersAreEscaped(string input, string expected) =>
        Assert.Equal(expected, LogText.Printable(input));

    [Theory]
    [InlineData("alice@example.test")]
    [InlineData("pässwörd ü – Ålice")]
    [InlineData("日本語 \U0001F600")]
    public void PrintableTextIsLeftAlone(string input) => Assert.Equal(input, LogText.Printable(input));

    [Fact]
    public void ALoneSurrogateIsEscaped() => Assert.Equal("x\\u{d800}y", LogText.Printable("x\uD800y"));

    [Fact]
    public void LongTextIsCapped() =>
        Assert.Equal("abc...(10 chars)", LogText.Printable("abcdefghij", maxRunes: 3));

    [Fact]
    public void QuotedFieldsEscapeQuotesAndBackslashes() =>
        Assert.Equal("a\\u{0022}b\\u{005c}c", UserNames.ForLog("a\"b\\c"));

    [Theory]
    [InlineData("bob\u2028x")]
    [InlineData("bob\u2029x")]
    [InlineData("rlo\u202Eyeknom")]
    [InlineData("a\u2066b")]
    [InlineData("a\u200Fb")]
    public void NamesWithSeparatorsOrBidiControlsAreRefused(string name) => Assert.NotNull(UserNames.Reject(name));
}
