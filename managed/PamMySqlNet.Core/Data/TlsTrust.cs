using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>
/// ssl_capath: MySqlConnector takes one CA file (ssl_ca), so a directory of CA certificates is
/// checked here instead: the server's chain must end in one of the directory's *.pem / *.crt
/// certificates (and, with verify_identity, name the host we connected to). The directory is
/// read when a TLS handshake asks for the check, not when a login starts: a login that reuses a
/// pooled connection makes no handshake, so it reads nothing, and a new connection always sees
/// the directory as it is now.
/// </summary>
public static class TlsTrust
{
    public static bool UsesCaPath(ModuleSettings s) => s.SslCaPath is not null && s.SslCa is null;

    public static RemoteCertificateValidationCallback? For(ModuleSettings s)
    {
        if (!UsesCaPath(s))
            return null;
        string directory = s.SslCaPath!;
        var roots = new Lazy<X509Certificate2Collection>(() => LoadDirectory(directory));
        bool checkName = s.SslMode == SslMode.VerifyIdentity;
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || roots.Value.Count == 0)
                return false;
            if (checkName && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots.Value);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }

    private static X509Certificate2Collection LoadDirectory(string directory)
    {
        var roots = new X509Certificate2Collection();
        if (!Directory.Exists(directory))
            return roots;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (!file.EndsWith(".pem", StringComparison.Ordinal) && !file.EndsWith(".crt", StringComparison.Ordinal))
                continue;
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Not a certificate file: ignored, as OpenSSL's CApath lookup would.
            }
        }
        return roots;
    }
}
