using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PamMySqlNet.Tests.Data;

/// <summary>Our check of the server's certificate: ssl_ca / ssl_capath pin (only their CAs are
/// trusted, whatever the system store says), verify_identity checks the name, revocation is not
/// fetched, and the CA files are read at the handshake. (Against a real server: tests/integration/tls.sh
/// and tests/integration/security/tls.sh.)</summary>
public sealed class TlsTrustTests() : TempDirectoryTest("pmn-tlstrust-")
{
    private static X509Certificate2 SelfSignedCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> signed by <paramref name="ca"/>,
    /// with no CRL distribution point and no OCSP URL (as private MySQL CAs make them).</summary>
    private static X509Certificate2 ServerCert(X509Certificate2 ca, string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        byte[] serial = RandomNumberGenerator.GetBytes(8);
        return request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
    }

    private string Pem(string name, X509Certificate2 cert)
    {
        string path = PathIn(name);
        File.WriteAllText(path, cert.ExportCertificatePem());
        return path;
    }

    private static ServerCertificateCheck CheckFor(params string[] args) =>
        TlsTrust.For(OptionParser.Parse(args).Settings) ?? throw new Xunit.Sdk.XunitException("no certificate check");

    /// <summary>The callback as the driver calls it; <paramref name="systemVerdict"/> is what SslStream
    /// found against the system store and the host name.</summary>
    private static bool Accepts(ServerCertificateCheck check, X509Certificate2 server, SslPolicyErrors systemVerdict = SslPolicyErrors.None) =>
        check.Callback(new object(), server, null, systemVerdict);

    [Fact]
    public void SslCaPinsTheSystemStoresVerdictDoesNotCount()
    {
        using var mine = SelfSignedCa("my private CA");
        using var publicCa = SelfSignedCa("a CA the system trusts");
        using var forged = ServerCert(publicCa, "db.example.test");
        using var genuine = ServerCert(mine, "db.example.test");
        string file = Pem("mine.pem", mine);
        foreach (string mode in new[] { "ssl_mode=verify_ca", "ssl_mode=verify_identity", "ssl_mode=required", "ssl_mode=preferred" })
        {
            var check = CheckFor($"ssl_ca={file}", mode);
            // The system store accepts the forged certificate (SslPolicyErrors.None): still refused.
            Assert.False(Accepts(check, forged), mode);
            Assert.Contains($"not signed by a CA in ssl_ca {file}", check.TakeRefusal());
            Assert.True(Accepts(check, genuine, SslPolicyErrors.RemoteCertificateChainErrors), mode);
            Assert.Null(check.TakeRefusal());
        }
        // ssl_ca without ssl_mode checks too.
        Assert.False(Accepts(CheckFor($"ssl_ca={file}"), forged));
    }

    [Fact]
    public void VerifyIdentityRefusesANameMismatchVerifyCaDoesNot()
    {
        using var ca = SelfSignedCa("my private CA");
        using var server = ServerCert(ca, "db.example.test");
        string file = Pem("ca.pem", ca);
        var identity = CheckFor($"ssl_ca={file}", "ssl_mode=verify_identity");
        Assert.False(Accepts(identity, server, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("not issued for", identity.TakeRefusal());
        Assert.True(Accepts(CheckFor($"ssl_ca={file}", "ssl_mode=verify_ca"), server, SslPolicyErrors.RemoteCertificateNameMismatch));
        // Against the system store as well.
        var system = CheckFor("ssl_mode=verify_identity");
        Assert.False(Accepts(system, server, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void WithoutACaTheSystemStoreDecides()
    {
        using var ca = SelfSignedCa("some CA");
        using var server = ServerCert(ca, "db.example.test");
        foreach (string mode in new[] { "ssl_mode=verify_ca", "ssl_mode=verify_identity" })
        {
            var check = CheckFor(mode);
            Assert.True(Accepts(check, server), mode);
            Assert.False(Accepts(check, server, SslPolicyErrors.RemoteCertificateChainErrors), mode);
            Assert.Contains("this system's store", check.TakeRefusal());
        }
        // No certificate at all is never accepted.
        Assert.False(CheckFor("ssl_mode=verify_ca").Callback(new object(), null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void ModesThatCheckNothingHaveNoCallback()
    {
        Assert.Null(TlsTrust.For(OptionParser.Parse([]).Settings));
        Assert.Null(TlsTrust.For(OptionParser.Parse(["ssl_mode=required"]).Settings));
        Assert.Null(TlsTrust.For(OptionParser.Parse(["ssl_mode=preferred"]).Settings));
        Assert.Null(TlsTrust.For(OptionParser.Parse(["ssl_mode=disabled", "ssl_ca=/etc/ssl/ca.pem"]).Settings));
    }

    [Fact]
    public void RevocationIsNotFetchedACertificateWithoutCrlOrOcspUrlsPasses()
    {
        // ServerCert adds no CDP/AIA: an online revocation check would fail it (RevocationStatusUnknown).
        using var ca = SelfSignedCa("my private CA");
        using var server = ServerCert(ca, "db.example.test");
        Assert.True(Accepts(CheckFor($"ssl_ca={Pem("ca.pem", ca)}", "ssl_mode=verify_identity"), server));
    }

    [Fact]
    public void SslCaAndSslCapathAreBothTrusted()
    {
        using var a = SelfSignedCa("CA in the file");
        using var b = SelfSignedCa("CA in the directory");
        using var other = SelfSignedCa("someone else");
        string capath = PathIn("capath");
        Directory.CreateDirectory(capath);
        File.WriteAllText(Path.Combine(capath, "b.crt"), b.ExportCertificatePem());
        var check = CheckFor($"ssl_ca={Pem("a.pem", a)}", $"ssl_capath={capath}");
        Assert.True(Accepts(check, ServerCert(a, "db")));
        Assert.True(Accepts(check, ServerCert(b, "db")));
        Assert.False(Accepts(check, ServerCert(other, "db")));
    }

    [Fact]
    public void AMissingCaFileTrustsNothingAndSaysSo()
    {
        using var ca = SelfSignedCa("my private CA");
        var check = CheckFor("ssl_ca=/nonexistent/pmn-ca.pem");
        Assert.False(Accepts(check, ServerCert(ca, "db")));
        Assert.Contains("no CA certificate could be read from ssl_ca /nonexistent/pmn-ca.pem", check.TakeRefusal());
    }

    [Fact]
    public void TheDirectoryIsReadWhenTheHandshakeAsksNotBefore()
    {
        var check = CheckFor("ssl_mode=verify_ca", $"ssl_capath={Dir}");
        using var ca = SelfSignedCa("pmn test CA");
        using var other = SelfSignedCa("someone else");
        // Written after For(): a login that started earlier still sees it at its handshake.
        File.WriteAllText(PathIn("ca.pem"), ca.ExportCertificatePem());
        Assert.True(Accepts(check, ca));
        Assert.False(Accepts(check, other));
    }

    [Fact]
    public void AnEmptyOrMissingDirectoryTrustsNothing()
    {
        using var ca = SelfSignedCa("pmn test CA");
        Assert.False(Accepts(CheckFor("ssl_capath=/nonexistent/pmn-capath"), ca));
    }
}
