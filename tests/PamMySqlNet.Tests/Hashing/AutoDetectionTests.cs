namespace PamMySqlNet.Tests.Hashing;

/// <summary>crypt=auto's one detection (SchemeRegistry.DetectAuto), which both the module's verify
/// and `pam-mysql-net check` use: which scheme each shape of stored value goes to.</summary>
public class AutoDetectionTests
{
    private static readonly VerifyOptions Default = VerifyOptions.Default;

    // Shapes only: detection never hashes, so these need not be real hashes of anything (the
    // vectors suites check verification with values made by independent tools).
    [Theory]
    [InlineData("$1$abcdefgh$Hn7qQ6I.zPHTPNOv0g5rF1", "md5crypt")]
    [InlineData("$6$salt$x", "sha512crypt")]
    [InlineData("$2b$10$0123456789012345678901uABCDEFGHIJKLMNOPQRSTUVWXYZ01234", "bcrypt")]
    [InlineData("$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", "argon2")]
    [InlineData("$y$j9T$salt$hash", "crypt(3)")]
    [InlineData("{SSHA}abcdefgh", "{SSHA}")]
    [InlineData("{SHA512-CRYPT.B64}abcd", "{SHA512-CRYPT.B64}")]
    [InlineData("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", "mysql41")]
    [InlineData("5f4dcc3b5aa765d61d8327deb882cf99", "md5-hex")]
    [InlineData("5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "sha1-hex")]
    [InlineData("5f4dcc3b5aa765d61d8327deb882cf99:salt", "joomla15")]
    public void EachShapeGoesToItsScheme(string stored, string scheme) =>
        Assert.Equal(scheme, SchemeRegistry.DetectAuto(stored, Default).Name);

    [Fact]
    public void SixteenHexDigitsAreOldPasswordOnlyWhenAskedFor()
    {
        Assert.Equal("mysql323", SchemeRegistry.DetectAuto("5d2e19393cc5ef67", new VerifyOptions { Use323Passwd = true }).Name);
        Assert.NotEqual("mysql323", SchemeRegistry.DetectAuto("5d2e19393cc5ef67", Default).Name);
    }

    [Fact]
    public void AValueNoRuleTakesIsMalformedUnlessTheBareDefaultSaysOtherwise()
    {
        Assert.Same(SchemeRegistry.NoScheme, SchemeRegistry.DetectAuto("", Default));
        Assert.Equal(VerifyResult.Malformed, SchemeRegistry.VerifyAuto("x"u8, "", Default));
        Assert.Same(SchemeRegistry.NoScheme, SchemeRegistry.DetectAuto("not a hash", new VerifyOptions { AutoBareDefault = null }));
        Assert.Equal("plain", SchemeRegistry.DetectAuto("not a hash", new VerifyOptions { AutoBareDefault = CryptMode.Plain }).Name);
    }
}
