using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>
/// The check of the server's certificate, done here rather than by the driver (which would add
/// ssl_ca to the system store instead of replacing it, and turn on online revocation checks for
/// verify_identity):
/// <list type="bullet">
/// <item>with ssl_ca and/or ssl_capath, the chain must end in one of their certificates: the file's,
/// and the directory's *.pem / *.crt files. Nothing else is trusted.</item>
/// <item>without them (verify_ca, verify_identity), the system store's verdict is used.</item>
/// <item>verify_identity also requires the certificate to name the host we connected to.</item>
/// <item>Revocation is not checked (X509RevocationMode.NoCheck): an online check would make the PAM
/// host fetch CRLs or ask OCSP responders during a login, and refuse every certificate without
/// such URLs, which private MySQL CAs rarely add. Revoke by replacing the CA file.</item>
/// </list>
/// The CA files are read when a TLS handshake asks for the check, not when a login starts: a login
/// that reuses a pooled connection makes no handshake, so it reads nothing, and a new connection
/// always sees the files as they are now.
/// </summary>
public static class TlsTrust
{
    /// <summary>The check for these settings, or null when they check no certificate.</summary>
    public static ServerCertificateCheck? For(ModuleSettings s) => TlsPolicy.CheckFor(s) switch
    {
        CertificateCheck.None => null,
        var check => new ServerCertificateCheck(s, check),
    };

    /// <summary>Where the CAs of ssl_ca / ssl_capath come from, as messages name them.</summary>
    public static string CaSource(ModuleSettings s) => TrustedCas.Describe(s.SslCa, s.SslCaPath);
}

/// <summary>One request's certificate check; remembers why it last refused a certificate, for the log line.</summary>
public sealed class ServerCertificateCheck
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly bool _checkName;
    private readonly Lazy<TrustedCas>? _configured;
    private volatile string? _lastRefusal;

    internal ServerCertificateCheck(ModuleSettings s, CertificateCheck check)
    {
        _checkName = s.SslMode == SslMode.VerifyIdentity;
        if (check == CertificateCheck.ConfiguredCa)
            _configured = new Lazy<TrustedCas>(() => TrustedCas.Load(s.SslCa, s.SslCaPath));
        Callback = Validate;
    }

    public RemoteCertificateValidationCallback Callback { get; }

    /// <summary>Why the last certificate was refused (then forgotten), or null.</summary>
    public string? TakeRefusal() => Interlocked.Exchange(ref _lastRefusal, null);

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        string? refusal = Refusal(sender, certificate, presented, errors);
        _lastRefusal = refusal;
        return refusal is null;
    }

    /// <summary>Null when the certificate is accepted, else why not.</summary>
    public string? Refusal(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return "the server sent none";
        if (_checkName && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return $"not issued for {(sender as SslStream)?.TargetHostName ?? "the host connected to"} (ssl_mode=verify_identity)";
        if (_configured is null)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 ? null
                : $"not signed by a CA of this system's store{Statuses(presented)}";
        }
        var cas = _configured.Value;
        if (cas.Certificates.Count == 0)
            return $"no CA certificate could be read from {cas.Source}{(cas.Problem is null ? "" : $" ({cas.Problem})")}";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas.Certificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
        // Intermediates the server sent help build the path; they are never trusted as roots.
        if (presented is not null)
        {
            for (int i = 1; i < presented.ChainElements.Count; i++)
                chain.ChainPolicy.ExtraStore.Add(presented.ChainElements[i].Certificate);
        }
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf) ? null : $"not signed by a CA in {cas.Source}{Statuses(chain)}";
    }

    private static string Statuses(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0 ? ""
            : ": " + string.Join(", ", chain.ChainStatus.Select(c => c.Status.ToString()).Distinct());
}

/// <summary>The CA certificates of ssl_ca (a PEM file) and ssl_capath (a directory of them).</summary>
internal sealed record TrustedCas(X509Certificate2Collection Certificates, string Source, string? Problem)
{
    public static TrustedCas Load(string? file, string? directory)
    {
        var certificates = new X509Certificate2Collection();
        string? problem = null;
        if (file is not null)
        {
            try
            {
                certificates.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                problem = $"cannot read {file}: {e.Message}";
            }
        }
        if (directory is not null && Directory.Exists(directory))
        {
            foreach (var path in Directory.EnumerateFiles(directory))
            {
                if (!path.EndsWith(".pem", StringComparison.Ordinal) && !path.EndsWith(".crt", StringComparison.Ordinal))
                    continue;
                try
                {
                    certificates.ImportFromPemFile(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    // Not a certificate file: ignored, as OpenSSL's CApath lookup would.
                }
            }
        }
        return new TrustedCas(certificates, Describe(file, directory), problem);
    }

    /// <summary>"ssl_ca FILE", "ssl_capath DIR" or both: where the trusted CAs come from, for messages.</summary>
    public static string Describe(string? file, string? directory) => (file, directory) switch
    {
        ({ } f, { } d) => $"ssl_ca {f} or ssl_capath {d}",
        ({ } f, null) => $"ssl_ca {f}",
        _ => $"ssl_capath {directory}",
    };
}
