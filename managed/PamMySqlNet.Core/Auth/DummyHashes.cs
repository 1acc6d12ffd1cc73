using System.Collections.Concurrent;
using System.Globalization;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// For unknown users: the typed password is checked against a constant stored string of the same
/// scheme and cost as the table's rows, so "no such user" costs what "wrong password" costs and
/// user names cannot be enumerated by timing (nor the other way round).
/// </summary>
/// <remarks>
/// <para>Nothing is hashed to make a dummy. Each family has one precomputed string in
/// <see cref="Templates"/> (made by an independent tool, command next to it; the password behind
/// it was random and discarded); other costs are derived by writing the cost field into it. The
/// result is never accepted: only the cost of checking it matters.</para>
/// <para>Which scheme and cost: those of the last row this process verified for the same table
/// (<see cref="Observe"/>; only the <see cref="HashCost"/> is remembered, never a hash). A process
/// that has seen no row yet (every one-shot host and fork helper) reads one other row of the table
/// in the same query as the user's (<see cref="PamMySqlNet.Data.IUserStore.Lookup(string, bool)"/>, generated
/// lookups only, for known and unknown users alike); failing that, the configured new-password
/// scheme at its configured or default cost.</para>
/// </remarks>
internal static class DummyHashes
{
    /// <summary>One string per family at its usual cost. Commands (the password was `openssl rand -base64 18`):</summary>
    internal static readonly IReadOnlyDictionary<CostFamily, string> Templates = new Dictionary<CostFamily, string>
    {
        // openssl passwd -1 "$pw"
        [CostFamily.Md5Crypt] = "$1$0CuwCe8D$o5BUNFRU7nLX6I21eigGs/",
        // echo "$pw" | mkpasswd -m sha256crypt -R 5000 -s
        [CostFamily.Sha256Crypt] = "$5$rK9H89mLt8DSAHHZ$l/3/KV8xEwykFoJrR1WuGYdNm0NsJL2v2OCGlzZwZKD",
        // echo "$pw" | mkpasswd -m sha512crypt -R 5000 -s
        [CostFamily.Sha512Crypt] = "$6$rHXIGc3DKKpDJrZs$6dCLfIdnMjpCj0L5tQ7Lf48KgpkX7doK5SeUAKBMcI1or3.sgDYjRjRSiPd/WptVdsEsBpeOAK3R4opqB8MG9.",
        // echo "$pw" | mkpasswd -m bcrypt -R 10 -s
        [CostFamily.BCrypt] = "$2b$10$y6z2VBs/TdJni2EaooYgdOt/lHvM1MAnsi.bgC.6oh6Tpm7qaeOHi",
        // echo "$pw" | tr -d '\n' | argon2 "$(openssl rand -hex 8)" -id -m 16 -t 3 -p 1 -e
        [CostFamily.Argon2] = "$argon2id$v=19$m=65536,t=3,p=1$NzNlMmJmNDA1NGVlODQ3MA$wfUvDPs7JoMy6KNQSNfHLB2GjYvaFMakHpnj/Xn4Qdg",
        // echo "$pw" | mkpasswd -m yescrypt -R 5 -s
        [CostFamily.Yescrypt] = "$y$j9T$fIwK2ic7qY.rGKY0323NI0$NtQRjCB2uPRIA.gf2ADkkS6J2eKs5AxAs8CpVmr9NdA",
        // echo "$pw" | mkpasswd -m scrypt -R 7 -s
        [CostFamily.Scrypt] = "$7$CU..../....H/g7KafamSigUYNc62a9q0$A/KnrrZoUI.TwhGY2RbdMm3UAb6Hj0ljA4ZgLWGHd60",
        // echo "$pw" | python3 build/phpass_gen.py P B   (phpass 0.3's algorithm with hashlib)
        [CostFamily.PhPassMd5] = "$P$BGRELFs4aM4pNfIy2dygYBJJcGumCY/",
        // echo "$pw" | python3 build/phpass_gen.py S D   (Drupal 7's password.inc with hashlib)
        [CostFamily.PhPassSha512] = "$S$DPIhPI/hSUtQ1poqTzvuQ7hooid5kmCrtcQAyKczXjWQt64AL1C4",
        // echo "$pw" | mkpasswd -m sunmd5 -s
        [CostFamily.SunMd5] = "$md5,rounds=69989$2EPyURt4$$dO3j1YSwFXNWDymkY/56b/",
        // libxcrypt: crypt("$pw", crypt_gensalt("$sha1", 10000, NULL, 0)) through Python ctypes
        [CostFamily.Sha1Crypt] = "$sha1$8253$CyRXH8ZqrjEQWA8Yi4.8$DO4OmfGJ5/VllVBKkAfKPEcZcl4m",
        // echo "$pw" | mkpasswd -m bsdicrypt -R 725 -s
        [CostFamily.Bsdi] = "_J9..gMnQ7r4d3O.5Ftc",
        // doveadm pw -s PBKDF2 -r 5000 -p "$pw"
        [CostFamily.Pbkdf2] = "{PBKDF2}$1$NUitW1cVKGT1AQbt$5000$557b66c3788c8233303d8a83892f0f00591c1cac",
        // doveadm pw -s SCRAM-SHA-1 -r 4096 -p "$pw"
        [CostFamily.ScramSha1] = "{SCRAM-SHA-1}4096,ote2JrGca1dllJBeifKojg==,jGsB5iZD7j9apTPBf7GWLUKq6kk=,noqnZ6Bttjaadn7vfE+mVq8fzFI=",
        // doveadm pw -s SCRAM-SHA-256 -r 4096 -p "$pw"
        [CostFamily.ScramSha256] = "{SCRAM-SHA-256}4096,ghS8PyFTHq7zkaCxYWIevw==,n0ah59quUA73XFB9rmjoXRayVQf0YvpeDdsjA/44fuE=,hXeFUtLLmdbK5smlgU8iuhwKdWDIJlAeE4oSJFc4Eso=",
        // Fixed-cost families (digests, MySQL, plain, DES, NT): an MD5 hex digest, `openssl rand -hex 16`.
        [CostFamily.Cheap] = "5d1fb7c4c4b2a1d0a8c0e8b3f1e64a27",
    };

    private const int MaxTables = 32;
    private static readonly ConcurrentDictionary<string, HashCost> Seen = new();

    /// <summary>Checks the typed password against the dummy for this table; the result is ignored.</summary>
    public static void VerifyAgainstDummy(ModuleSettings s, ReadOnlySpan<byte> password, string? sample)
    {
        HashCost cost = CostFor(s, sample);
        _ = SchemeRegistry.VerifyAuto(password, Build(cost), VerifyOptions.Default);
    }

    /// <summary>After a real row was verified (match or not): remember its scheme and cost.</summary>
    public static void Observe(ModuleSettings s, string stored)
    {
        if (HashCost.Of(stored, out _) is { } cost)
            Remember(s, Effective(s, cost));
    }

    /// <summary>Whether a row of this table was verified in this process (then no sample is needed).</summary>
    public static bool Knows(ModuleSettings s) => Seen.ContainsKey(Key(s));

    internal static HashCost CostFor(ModuleSettings s, string? sample)
    {
        string key = Key(s);
        if (Seen.TryGetValue(key, out var known))
            return known;
        if (sample is not null && HashCost.Of(sample, out _) is { } sampled)
        {
            var cost = Effective(s, sampled);
            Remember(s, cost);
            return cost;
        }
        return Configured(s);
    }

    /// <summary>The configured new-password scheme at its configured (capped) or default cost.</summary>
    internal static HashCost Configured(ModuleSettings s)
    {
        string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);
        switch (s.Crypt)
        {
            case CryptMode.Crypt or CryptMode.Auto:
                var scheme = NewPasswordFormat.CryptScheme(s);
                return scheme switch
                {
                    PasswordHashScheme.BCrypt => new(CostFamily.BCrypt,
                        Math.Clamp(s.Rounds ?? PasswordHasher.DefaultBCryptCost, BCrypt.MinCost, BCrypt.MaxCost).ToString("00", CultureInfo.InvariantCulture)),
                    PasswordHashScheme.Md5Crypt => new(CostFamily.Md5Crypt, ""),
                    PasswordHashScheme.Sha256Crypt or PasswordHashScheme.Sha512Crypt => new(
                        scheme == PasswordHashScheme.Sha256Crypt ? CostFamily.Sha256Crypt : CostFamily.Sha512Crypt,
                        Inv(Math.Clamp(s.Rounds ?? ShaCrypt.DefaultRounds, ShaCrypt.MinRounds, ShaCrypt.MaxRounds))),
                    _ => HashCost.Cheap,
                };
            case CryptMode.Drupal7:
                return new(CostFamily.PhPassSha512, "D");
            default:
                return HashCost.Cheap;
        }
    }

    /// <summary>The dummy string for a scheme and cost: the family's template with the cost written in.</summary>
    internal static string Build(HashCost cost)
    {
        string t = Templates[cost.Family];
        string p = cost.Parameters;
        switch (cost.Family)
        {
            case CostFamily.Sha256Crypt or CostFamily.Sha512Crypt:
                return t[..3] + "rounds=" + p + "$" + t[3..];
            case CostFamily.BCrypt:
                return t[..4] + p + t[6..];
            case CostFamily.Argon2:
            {
                // p = "argon2id,v=19,m=..,t=..,p=.."; the template's salt and tag follow.
                string[] f = p.Split(',');
                string[] tf = t.Split('$');
                return $"${f[0]}${f[1]}${f[2]},{f[3]},{f[4]}${tf[4]}${tf[5]}";
            }
            case CostFamily.Yescrypt:
                return t[..3] + p + t[6..];
            case CostFamily.Scrypt:
                return t[..3] + p + t[14..];
            case CostFamily.PhPassMd5 or CostFamily.PhPassSha512:
                return t[..3] + p + t[4..];
            case CostFamily.SunMd5:
                return "$md5,rounds=" + p + t[t.IndexOf('$', 1)..];
            case CostFamily.Sha1Crypt:
                return "$sha1$" + p + t[t.IndexOf('$', 6)..];
            case CostFamily.Bsdi:
            {
                long c = long.Parse(p, CultureInfo.InvariantCulture);
                Span<char> count = stackalloc char[4];
                for (int i = 0; i < 4; i++)
                    count[i] = CryptBase64.Alphabet[(int)((c >> (6 * i)) & 63)];
                return "_" + new string(count) + t[5..];
            }
            case CostFamily.Pbkdf2:
            {
                string[] f = t.Split('$');
                return $"{f[0]}${f[1]}${f[2]}${p}${f[4]}";
            }
            case CostFamily.ScramSha1 or CostFamily.ScramSha256:
            {
                int close = t.IndexOf('}');
                return t[..(close + 1)] + p + t[t.IndexOf(',')..];
            }
            default:
                return t;
        }
    }

    /// <summary>Modes that never hash (crypt=0, 2, 3, ...) cost nothing, whatever the value looks like.</summary>
    private static HashCost Effective(ModuleSettings s, HashCost cost) =>
        s.Crypt is CryptMode.Crypt or CryptMode.Auto or CryptMode.Drupal7 ? cost : HashCost.Cheap;

    private static void Remember(ModuleSettings s, HashCost cost)
    {
        if (Seen.Count >= MaxTables)
            Seen.Clear();
        Seen[Key(s)] = cost;
    }

    /// <summary>The table a setting reads (computed once per settings object: parsed lines are
    /// kept per process, so a warm login does not rebuild it).</summary>
    private static string Key(ModuleSettings s) => Keys.GetValue(s, static s =>
        string.Join('\u001f', s.Crypt.ToString(), string.Join(',', s.Hosts.Select(h => h.ToString())), s.Database, s.Table,
            s.PasswdColumn, s.Select, s.Where));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ModuleSettings, string> Keys = new();

    /// <summary>For tests: forget what was seen.</summary>
    /// <summary>Forgets the schemes seen (the daemon's SIGHUP; the unit tests).</summary>
    public static void Reset() => Seen.Clear();
}
