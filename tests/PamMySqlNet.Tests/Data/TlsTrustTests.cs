using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PamMySqlNet.Data;
using PamMySqlNet.Options;

namespace PamMySqlNet.Tests.Data;

/// <summary>ssl_capath's check: the directory is read at the handshake, not when a login starts.
/// (The check against a real server is in tests/integration/tls.sh.)</summary>
public class TlsTrustTests
{
    private static X509Certificate2 SelfSignedCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static bool Check(RemoteCertificateValidationCallback callback, X509Certificate2 server) =>
        callback(new object(), server, null, SslPolicyErrors.None);

    [Fact]
    public void TheDirectoryIsReadWhenTheHandshakeAsksNotBefore()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pmn-capath-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var settings = OptionParser.Parse(["ssl_mode=verify_ca", $"ssl_capath={dir}"]).Settings;
            var callback = TlsTrust.For(settings);
            Assert.NotNull(callback);
            using var ca = SelfSignedCa("pmn test CA");
            using var other = SelfSignedCa("someone else");
            // Written after For(): a login that started earlier still sees it at its handshake.
            File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
            Assert.True(Check(callback!, ca));
            Assert.False(Check(callback!, other));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnEmptyOrMissingDirectoryTrustsNothing()
    {
        var settings = OptionParser.Parse(["ssl_capath=/nonexistent/pmn-capath"]).Settings;
        using var ca = SelfSignedCa("pmn test CA");
        Assert.False(Check(TlsTrust.For(settings)!, ca));
        Assert.Null(TlsTrust.For(OptionParser.Parse(["ssl_ca=/etc/ssl/ca.pem", "ssl_capath=/x"]).Settings));
    }
}
