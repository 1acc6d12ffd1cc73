namespace PamMySqlNet.Options;

/// <summary>
/// Everything the module's arguments say, parsed once per request into one immutable value.
/// Defaults are pam_mysql's, except the timeouts pam_mysql never had.
/// </summary>
public sealed record ModuleSettings
{
    public IReadOnlyList<DbEndpoint> Hosts { get; init; } = new[] { new DbEndpoint("localhost", 0, DbEndpoint.DefaultSocket) };
    public string? Database { get; init; }
    public string? DbUser { get; init; }
    public string? DbPassword { get; init; }
    public string? Table { get; init; }
    public string? UserColumn { get; init; }
    public string? PasswdColumn { get; init; }
    public string? Where { get; init; }
    public CryptMode Crypt { get; init; } = CryptMode.Plain;
    public bool Md5 { get; init; }
    public bool Verbose { get; init; }
    public bool UseFirstPass { get; init; }
    public bool TryFirstPass { get; init; } = true;
    public bool NullOk { get; init; }
    /// <summary>Seconds to wait for a server to accept and greet a connection.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 5;
    /// <summary>Seconds a query may take.</summary>
    public int QueryTimeoutSeconds { get; init; } = 5;
}
