using CsCheck;

namespace PamMySqlNet.Tests.Hashing;

/// <summary>
/// Round trips of our own hasher (consistency only: the hasher's output is checked against
/// reference tools in FreshToolVectorTests), and mutated stored strings.
/// </summary>
public class PropertyAndMutationTests
{
    private static readonly Gen<byte[]> Password = Gen.Byte.Array[0, 100];

    [Theory]
    [InlineData(PasswordHashScheme.Md5Crypt, null)]
    [InlineData(PasswordHashScheme.Sha256Crypt, 1000)]
    [InlineData(PasswordHashScheme.Sha512Crypt, 1000)]
    [InlineData(PasswordHashScheme.BCrypt, 4)]
    public void Hash_then_verify(PasswordHashScheme scheme, int? rounds)
    {
        Gen.Select(Password, Password).Sample((p, q) =>
        {
            // crypt(3) passwords are C strings; bcrypt reads 72 bytes.
            p = p.Where(b => b != 0).ToArray();
            q = q.Where(b => b != 0).ToArray();
            string h = PasswordHasher.Hash(scheme, p, rounds);
            bool same = scheme == PasswordHashScheme.BCrypt
                ? p.Take(72).SequenceEqual(q.Take(72))
                : p.SequenceEqual(q);
            return PasswordVerifier.Verify(CryptMode.Crypt, p, h) == VerifyResult.Match
                   && PasswordVerifier.Verify(CryptMode.Auto, p, h) == VerifyResult.Match
                   && (PasswordVerifier.Verify(CryptMode.Auto, q, h) == VerifyResult.Match) == same;
        }, iter: 25);
    }

    [Fact]
    public void Argon2id_hash_then_verify()
    {
        Gen.Select(Password, Password).Sample((p, q) =>
        {
            string h = PasswordHasher.HashArgon2id(p, 64, 1);
            return PasswordVerifier.Verify(CryptMode.Auto, p, h) == VerifyResult.Match
                   && (PasswordVerifier.Verify(CryptMode.Auto, q, h) == VerifyResult.Match) == p.SequenceEqual(q);
        }, iter: 20);
    }

    [Fact]
    public void Random_stored_strings_never_throw_or_match()
    {
        var stored = Gen.OneOf(
            Gen.String[Gen.Char.AlphaNumeric, 0, 80],
            Gen.String[0, 80],
            Gen.OneOf<string>("$1$", "$5$", "$6$", "$5$rounds=", "$2b$04$", "$apr1$", "$argon2id$v=19$m=64,t=1,p=1$",
                "{SSHA}", "{CRYPT}", "{MD5}", "{PBKDF2}$1$", "{SCRAM-SHA-1}1,", "{SHA512-CRYPT.B64}", "$P$B", "$S$D",
                "$y$j9T$", "$7$C", "_", "*", "$md5,rounds=").SelectMany(prefix => Gen.String[0, 70].Select(rest => prefix + rest)));
        Gen.Select(stored, Password, Gen.Enum<CryptMode>()).Sample((s, p, mode) =>
        {
            var r = PasswordVerifier.Verify(mode, p, s, new VerifyOptions { Use323Passwd = true });
            // Plain mode matches when the password is the stored text; nothing else may match.
            return r != VerifyResult.Match || (mode == CryptMode.Plain) ||
                   (mode == CryptMode.Auto && s.StartsWith("{PLAIN}", StringComparison.OrdinalIgnoreCase));
        }, iter: 3000);
    }

    private const string Replacements = "./09AZaz$+=:{}*!_-, \u00e4";

    /// <summary>
    /// Each vector's stored string, changed in one place (each character replaced by others,
    /// truncated, extended) must never match and never throw. Replacements that only change a
    /// letter's case are skipped: hex digits and {SCHEME} names are case-insensitive by design,
    /// so those are provably equivalent strings, not mutations. Slow schemes (argon2, yescrypt,
    /// scrypt, high rounds) are mutated in fewer positions.
    /// </summary>
    [Fact]
    public void Mutated_vectors_never_match()
    {
        var rows = VectorFile.Read("vectors.tsv").Concat(VectorFile.Read("extra.tsv"))
            .GroupBy(r => r.Scheme).SelectMany(g => g.Take(1)).ToList();
        var failures = new List<string>();
        foreach (var row in rows)
        {
            bool slow = row.Scheme.Contains("argon2", StringComparison.OrdinalIgnoreCase) || row.Scheme.Contains("yescrypt")
                        || row.Scheme is "scrypt" or "sunmd5" or "dovecot-PBKDF2" || row.Scheme.StartsWith("dovecot-SCRAM")
                        || row.Hash.Contains("rounds=") || row.Scheme == "drupal7";
            string h = row.Hash;
            var mutants = new List<string>();
            int step = slow ? Math.Max(1, h.Length / 6) : 1;
            for (int i = 0; i < h.Length; i += step)
            {
                foreach (char c in Replacements)
                {
                    if (c == h[i] || char.ToUpperInvariant(c) == char.ToUpperInvariant(h[i]))
                        continue;
                    mutants.Add(h[..i] + c + h[(i + 1)..]);
                    if (slow) break;
                }
            }
            for (int n = 0; n < h.Length; n += slow ? Math.Max(1, h.Length / 4) : 1)
                mutants.Add(h[..n]);
            mutants.Add(h + "a");
            mutants.Add(h + "$");
            mutants.Add(" " + h);
            foreach (var m in mutants.Distinct())
            {
                foreach (var (mode, options, _) in VectorFile.Modes(row.Scheme, m))
                {
                    if (mode == CryptMode.Plain) continue;
                    VerifyResult r;
                    try
                    {
                        r = PasswordVerifier.Verify(mode, row.Password, m, options);
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{row.Id} {mode} '{m}': threw {e.GetType().Name}");
                        continue;
                    }
                    if (r == VerifyResult.Match && !EquivalentBcryptMinor(h, m, row.Password))
                        failures.Add($"{row.Id} {mode} '{m}': matched");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    /// <summary>
    /// $2a$, $2b$ and $2y$ are the same function for most passwords (they differ only for
    /// 8-bit passwords hit by the old sign-extension bug); a mutation of just the minor letter is
    /// an equivalent string when libxcrypt itself (the reference) accepts the password for it.
    /// </summary>
    private static bool EquivalentBcryptMinor(string original, string mutant, byte[] password)
    {
        int brace = original.StartsWith('{') ? original.IndexOf('}') + 1 : 0;
        if (mutant.Length != original.Length || !original.AsSpan(brace).StartsWith("$2"))
            return false;
        int diff = Enumerable.Range(0, original.Length).Single(i => original[i] != mutant[i]);
        return diff == brace + 2 && mutant[diff] is 'a' or 'b' or 'y'
               && LibXCrypt.Verify(password, mutant[brace..]) == VerifyResult.Match;
    }

    [Theory]
    [InlineData("$6$rounds=999999999$abcdefgh$" + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("$2b$31$abcdefghijklmnopqrstuu1234567890123456789012345678901")]
    [InlineData("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=65536,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("{PBKDF2}$1$saltsaltsaltsalt$100000000$6a495d0e632c0f8e3270efd9cb2543774ac6a4f8")]
    [InlineData("{SCRAM-SHA-256}100000000,4//6zQqC4CwIVDvvYOsujg==,Ztez/P44u0o5FFG4jnGzUXBtHCTey7q239PckmZ/MDY=,2bK0PH+yEVg5bRNh+oW54WXBGsTHUeQ9Z1webohaTPc=")]
    [InlineData("$P$Z12345678abcdefghijklmnopqrstuv")]
    [InlineData("$y$jzT$Jvh0Cj1kkQGCnENnaKS4I0$L5wT9KdlBBg2xqeklt/jIsqg9QDFQV57Kzo4vBbbAf0")]
    [InlineData("$7$zU..../....nRhVGlvlJAvhexZqL6zRI.$bVxro5etr8zlieZ5rMQMbcGaq09syzTk.VM0aQwHnPD")]
    [InlineData("_zzzzabcdefghijklmno")]
    [InlineData("$md5,rounds=999999999$9kQ55Od8$$YrzkfxynfVWYkRJC6pS9T.")]
    public void Over_cap_costs_are_malformed(string stored)
    {
        Assert.Equal(VerifyResult.Malformed, PasswordVerifier.Verify(CryptMode.Auto, "x"u8, stored));
    }
}
