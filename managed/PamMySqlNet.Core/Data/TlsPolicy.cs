using MySqlConnector;
using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>How the server's certificate is checked (by <see cref="TlsTrust"/>, never by the driver).</summary>
public enum CertificateCheck
{
    /// <summary>Not checked: no TLS, or TLS that accepts any certificate.</summary>
    None,
    /// <summary>The chain must end in a CA of the system store (SSL_CERT_FILE/SSL_CERT_DIR or OpenSSL's default).</summary>
    SystemStore,
    /// <summary>The chain must end in a CA of ssl_ca / ssl_capath, and only those.</summary>
    ConfiguredCa,
}

/// <summary>What a connection to one server does about TLS, and what the admin should be told.</summary>
/// <param name="DriverMode">The driver's mode. Every mode that checks a certificate is Required: only then
/// does the driver hand the certificate to our callback and leave the verdict to it.</param>
/// <param name="Warning">A line for the log (once per process) and for <c>pam-mysql-net check</c>, or null.</param>
public sealed record TlsPlan(MySqlSslMode DriverMode, CertificateCheck Check, bool CheckName, string? Warning)
{
    /// <summary>The server is authenticated: TLS cannot be skipped and its certificate is checked.</summary>
    public bool Verified => DriverMode == MySqlSslMode.Required && Check != CertificateCheck.None;
}

/// <summary>
/// The TLS decisions, per server:
/// <list type="bullet">
/// <item>ssl_mode unset: verify_ca when ssl_ca or ssl_capath is given; otherwise no TLS to a loopback
/// address or unix socket (<see cref="Loopback"/>), and TLS-if-offered without verification to
/// anything else, which keeps existing remote setups working but is logged once per process with
/// the fix.</item>
/// <item>ssl_ca / ssl_capath pin: whenever TLS is used, only their CAs are trusted, never the
/// system store as well.</item>
/// <item>verify_ca / verify_identity without them use the system store; verify_ca then accepts any
/// certificate any public CA issued, for any name, which is logged once per process.</item>
/// <item>verify_identity also requires the certificate to name the host connected to.</item>
/// <item>No mode fetches CRLs or asks OCSP responders (see <see cref="TlsTrust"/>).</item>
/// </list>
/// </summary>
public static class TlsPolicy
{
    public static bool HasCa(ModuleSettings s) => s.SslCa is not null || s.SslCaPath is not null;

    /// <summary>The plan for <paramref name="endpoint"/>, deciding "loopback" on its resolved address.</summary>
    public static TlsPlan For(ModuleSettings s, DbEndpoint endpoint) => For(s, endpoint, Loopback.Shared.Is(endpoint));

    public static TlsPlan For(ModuleSettings s, DbEndpoint endpoint, bool loopback)
    {
        var mode = EffectiveMode(s, loopback);
        var plan = new TlsPlan(DriverMode(mode), CheckFor(s), mode == SslMode.VerifyIdentity, null);
        string? warning = null;
        if (mode == SslMode.VerifyCa && !HasCa(s))
            warning = $"server {endpoint}: ssl_mode=verify_ca without ssl_ca or ssl_capath accepts a certificate from any CA " +
                      "this system trusts, issued for any name, so it pins nothing; set ssl_ca to the CA file that signed " +
                      "the server's certificate (or use ssl_mode=verify_identity)";
        else if (!loopback && !plan.Verified)
            warning = $"server {endpoint} is not a loopback address and its TLS certificate is not verified " +
                      $"({Unverified(s, mode)}): anyone on the network path can pose as the database; set ssl_ca to the CA " +
                      "file that signed the server's certificate (or ssl_mode=verify_identity for a certificate from a public CA)";
        return plan with { Warning = warning };
    }

    /// <summary>Just the driver's mode (what the connection string needs; no warning text is built).</summary>
    public static MySqlSslMode DriverMode(ModuleSettings s, bool loopback) => DriverMode(EffectiveMode(s, loopback));

    private static SslMode EffectiveMode(ModuleSettings s, bool loopback) => s.SslMode switch
    {
        SslMode.Default when HasCa(s) => SslMode.VerifyCa,
        SslMode.Default => loopback ? SslMode.Disabled : SslMode.Preferred,
        var explicitMode => explicitMode,
    };

    private static MySqlSslMode DriverMode(SslMode mode) => mode switch
    {
        SslMode.Disabled => MySqlSslMode.None,
        SslMode.Preferred => MySqlSslMode.Preferred,
        _ => MySqlSslMode.Required,
    };

    /// <summary>The certificate check of these settings; the same for every server they name.</summary>
    public static CertificateCheck CheckFor(ModuleSettings s) => s.SslMode switch
    {
        SslMode.Disabled => CertificateCheck.None,
        _ when HasCa(s) => CertificateCheck.ConfiguredCa,
        SslMode.VerifyCa or SslMode.VerifyIdentity => CertificateCheck.SystemStore,
        _ => CertificateCheck.None,
    };

    private static string Unverified(ModuleSettings s, SslMode mode) => mode switch
    {
        SslMode.Disabled => "ssl_mode=disabled: no TLS",
        SslMode.Preferred when HasCa(s) => "ssl_mode=preferred: TLS can be stripped",
        SslMode.Preferred when s.SslMode == SslMode.Default => "no ssl_* options: TLS only if the server offers it, any certificate accepted",
        SslMode.Preferred => "ssl_mode=preferred: TLS only if the server offers it, any certificate accepted",
        _ => "ssl_mode=required: any certificate accepted",
    };
}
