using PamMySqlNet.Interop;

namespace PamMySqlNet.Tests.Interop;

/// <summary>The OpenSSL check picks libraries in .NET's order and accepts the machine's OpenSSL.</summary>
public class OpenSslCheckTests
{
    [Fact]
    public void WithoutOverrideTheDefaultsComeInOrder() =>
        Assert.Equal(new[] { "libssl.so.3", "libssl.so.1.1" }, OpenSslCheck.Candidates(null));

    [Fact]
    public void TheOverrideSuffixComesFirst() =>
        Assert.Equal(new[] { "libssl.so.3/../x.so", "libssl.so.3", "libssl.so.1.1" }, OpenSslCheck.Candidates("3/../x.so"));

    [Fact]
    public void TheInstalledOpenSslIsUsable()
    {
        if (!OperatingSystem.IsLinux())
            return;
        // libssl3 is a dependency of the package and of the test machine; a problem here is a real one.
        Assert.Null(OpenSslCheck.Problem());
    }
}
