namespace PamMySqlNet.Tests.Hashing;

/// <summary>One row of tests/data/vectors/*.tsv.</summary>
public sealed record VectorRow(string Id, string Scheme, byte[] Password, string Hash, string Note)
{
    public override string ToString() => $"{Id} {Scheme} {Note}";
}

public static class VectorFile
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "vectors");

    public static IReadOnlyList<VectorRow> Read(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Dir, name), System.Text.Encoding.UTF8);
        string[] header = lines[0].Split('\t');
        int Col(string c) => Array.IndexOf(header, c);
        int id = Col("id"), scheme = Col("scheme"), pw = Col("password_b64"), hash = Col("hash"), note = Col("note");
        var rows = new List<VectorRow>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            rows.Add(new VectorRow(f[id], f[scheme], Convert.FromBase64String(f[pw]), f[hash], f.Length > note ? f[note] : ""));
        }
        return rows;
    }

    private static readonly VerifyOptions With323 = new() { Use323Passwd = true };

    /// <summary>
    /// The (mode, options) pairs a row of this scheme must be checked in: the pam_mysql mode
    /// that names the format (crypt=1 for crypt(3) strings) and always auto.
    /// </summary>
    public static IEnumerable<(CryptMode Mode, VerifyOptions Options, string Hash)> Modes(string scheme, string hash)
    {
        switch (scheme)
        {
            case "md5crypt" or "sha256crypt" or "sha256crypt-rounds" or "sha512crypt" or "sha512crypt-rounds"
                or "bcrypt-2a" or "bcrypt-2b" or "bcrypt-2y" or "yescrypt" or "gost-yescrypt" or "scrypt"
                or "descrypt" or "bsdicrypt" or "sunmd5" or "nt"
                or "sha512crypt-empty-salt" or "sha256crypt-empty-salt" or "yescrypt-params" or "gost-yescrypt-params":
                yield return (CryptMode.Crypt, VerifyOptions.Default, hash);
                break;
            case "mysql41":
                yield return (CryptMode.MySql, VerifyOptions.Default, hash);
                yield return (CryptMode.MySql, With323, hash);
                break;
            case "mysql323":
                yield return (CryptMode.MySql, With323, hash);
                yield return (CryptMode.Auto, With323, hash);
                yield break; // without use_323_passwd a 16-hex value is not recognised
            case "md5-hex":
                yield return (CryptMode.Md5, VerifyOptions.Default, hash);
                yield return (CryptMode.Md5, VerifyOptions.Default, hash.ToUpperInvariant());
                break;
            case "sha1-hex":
                yield return (CryptMode.Sha1, VerifyOptions.Default, hash);
                break;
            case "sha256-hex":
                yield return (CryptMode.Sha256, VerifyOptions.Default, hash);
                break;
            case "sha512-hex":
                yield return (CryptMode.Sha512, VerifyOptions.Default, hash);
                yield return (CryptMode.Sha512, VerifyOptions.Default, hash.ToUpperInvariant());
                break;
            case "drupal7" or "phpass":
                yield return (CryptMode.Drupal7, VerifyOptions.Default, hash);
                break;
            case "joomla15":
                yield return (CryptMode.Joomla15, VerifyOptions.Default, hash);
                break;
            case "ldap-ssha" or "dovecot-SSHA":
                // pam_mysql crypt=7 stores the bare base64 value
                yield return (CryptMode.Ssha, VerifyOptions.Default,
                    hash.StartsWith("{SSHA}", StringComparison.Ordinal) ? hash["{SSHA}".Length..] : hash);
                break;
            case "malformed":
                foreach (CryptMode m in Enum.GetValues<CryptMode>())
                {
                    yield return (m, VerifyOptions.Default, hash);
                    yield return (m, With323, hash);
                }
                yield break;
        }
        yield return (CryptMode.Auto, VerifyOptions.Default, hash);
    }
}
