using System.Globalization;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary><c>rehash=SCHEME[:COST]</c>: the scheme and cost a successful login's stored value is
/// brought to. <see cref="Cost"/> is what <see cref="PasswordHasher.Hash"/> takes (sha-crypt rounds,
/// bcrypt log2 cost, argon2id iterations at 64 MiB); null = the scheme's default.</summary>
public sealed record RehashTarget(PasswordHashScheme Scheme, int? Cost)
{
    /// <summary>The option's value as the docs and <c>check</c> name it (<c>sha512:5000</c>).</summary>
    public override string ToString() => $"{RehashPolicy.Name(Scheme)}:{RehashPolicy.EffectiveCost(this)}";
}

/// <summary>Parses <c>rehash=</c>, checks it against crypt=, and decides whether a stored value is
/// below the target: another family, or the same family at a lower cost (never a downgrade).</summary>
public static class RehashPolicy
{
    public static string Name(PasswordHashScheme scheme) => scheme switch
    {
        PasswordHashScheme.Sha256Crypt => "sha256",
        PasswordHashScheme.Sha512Crypt => "sha512",
        PasswordHashScheme.BCrypt => "bcrypt",
        PasswordHashScheme.Argon2id => "argon2id",
        _ => "md5",
    };

    /// <summary>null for off; throws <see cref="OptionValueException"/> for an unknown scheme or a cost
    /// outside what <see cref="PasswordHasher"/> accepts.</summary>
    public static RehashTarget? Parse(string value)
    {
        string v = value.Trim().ToLowerInvariant();
        if (v is "off" or "no" or "none" or "0" or "false")
            return null;
        int colon = v.IndexOf(':');
        string name = colon < 0 ? v : v[..colon];
        PasswordHashScheme scheme = name switch
        {
            "sha512" or "sha512-crypt" or "sha512crypt" => PasswordHashScheme.Sha512Crypt,
            "sha256" or "sha256-crypt" or "sha256crypt" => PasswordHashScheme.Sha256Crypt,
            "bcrypt" or "blowfish" or "blf-crypt" => PasswordHashScheme.BCrypt,
            "argon2id" => PasswordHashScheme.Argon2id,
            _ => throw new OptionValueException($"unknown rehash scheme '{value}' (sha512, sha256, bcrypt or argon2id, optionally :cost; off)"),
        };
        if (colon < 0)
            return new RehashTarget(scheme, null);
        var (min, max) = CostRange(scheme);
        return int.TryParse(v[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int cost) && cost >= min && cost <= max
            ? new RehashTarget(scheme, cost)
            : throw new OptionValueException($"rehash cost '{v[(colon + 1)..]}' for {Name(scheme)} must be a whole number from {min} to {max}");
    }

    private static (int Min, int Max) CostRange(PasswordHashScheme scheme) => scheme switch
    {
        PasswordHashScheme.BCrypt => (BCrypt.MinCost, BCrypt.MaxCost),
        PasswordHashScheme.Argon2id => (1, Argon2.MaxIterations),
        _ => (ShaCrypt.MinRounds, ShaCrypt.MaxRounds),
    };

    public static int EffectiveCost(RehashTarget t) => t.Cost ?? t.Scheme switch
    {
        PasswordHashScheme.BCrypt => PasswordHasher.DefaultBCryptCost,
        PasswordHashScheme.Argon2id => PasswordHasher.DefaultArgon2Iterations,
        _ => ShaCrypt.DefaultRounds,
    };

    /// <summary>The cross-option rule, or null: rehash writes crypt(3) strings, which only crypt=1 and
    /// auto read; argon2id only crypt=auto.</summary>
    public static string? Problem(ModuleSettings s) => s.Rehash switch
    {
        null => null,
        { Scheme: PasswordHashScheme.Argon2id } when s.Crypt != CryptMode.Auto =>
            $"rehash=argon2id needs crypt=auto (crypt={CryptModeNames.Name(s.Crypt)} cannot read argon2id)",
        _ when s.Crypt is not (CryptMode.Crypt or CryptMode.Auto) =>
            $"rehash needs crypt=1 or crypt=auto (crypt={CryptModeNames.Name(s.Crypt)} reads every value as one scheme)",
        _ => null,
    };

    /// <summary>Whether <paramref name="stored"/> (as crypt= reads it, default_scheme applied) is below
    /// the target. A value whose family and cost cannot be read is left alone.</summary>
    public static bool IsBelow(RehashTarget target, string stored)
    {
        if (HashCost.Of(stored, out _) is not { } cost)
            return false;
        int want = EffectiveCost(target);
        return (target.Scheme, cost.Family) switch
        {
            (PasswordHashScheme.Sha512Crypt, CostFamily.Sha512Crypt) or (PasswordHashScheme.Sha256Crypt, CostFamily.Sha256Crypt)
                or (PasswordHashScheme.BCrypt, CostFamily.BCrypt) => Number(cost.Parameters) < want,
            (PasswordHashScheme.Argon2id, CostFamily.Argon2) => Argon2Below(cost.Parameters, want),
            _ => true,
        };
    }

    private static long Number(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;

    /// <summary><c>argon2id,v=19,m=…,t=…,p=…</c> (<see cref="HashCost"/>): below unless argon2id v=19 with
    /// at least the memory and iterations new hashes get.</summary>
    private static bool Argon2Below(string parameters, int iterations)
    {
        string[] f = parameters.Split(',');
        return f.Length != 5 || f[0] != "argon2id" || f[1] != "v=19"
               || Number(f[2][2..]) < PasswordHasher.DefaultArgon2MemoryKiB || Number(f[3][2..]) < iterations;
    }
}
