using System.Buffers.Binary;
using System.Text;
using PamMySqlNet.Data;
using PamMySqlNet.Hashing;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>
/// What a successful pam_sm_authenticate read from the user's row, kept with the PAM handle so
/// that pam_sm_acct_mgmt on the same handle, right after, need not run the same SELECT again
/// (pam_mysql queries twice per login). Only the account status is kept: never the password or
/// the stored hash. The memo is bound to the PAM handle (pam_set_data: it dies with pam_end),
/// to the exact module arguments and user name (a SHA-256 over them, so the DB password in the
/// arguments is not copied), and it is used for at most <see cref="MaxAgeMs"/>: an account check
/// later than that, or on another pam.d line, queries the database as usual.
/// </summary>
public static class AccountMemo
{
    /// <summary>How long after authentication the account check may reuse its row.</summary>
    public const int MaxAgeMs = 10_000;

    private const byte Format = 1;
    private const int KeyLength = 32;
    // [0] format, [1..33) key, [33..41) taken at (ms), [41] flags, [42..50) status
    private const int Length = 1 + KeyLength + 8 + 1 + 8;
    private const byte HasStatus = 1, StatusUnreadable = 2;

    /// <summary>Keeps <paramref name="found"/> (a Found row) for the account check on this handle.</summary>
    public static void Remember(IPamConversation conversation, ModuleRequest request, UserLookup found, long nowMs)
    {
        if (found.Status != LookupStatus.Found)
            return;
        Span<byte> memo = stackalloc byte[Length];
        memo[0] = Format;
        Key(request, memo.Slice(1, KeyLength));
        BinaryPrimitives.WriteInt64LittleEndian(memo.Slice(33, 8), nowMs);
        memo[41] = (byte)((found.AccountStatus is null ? 0 : HasStatus) | (found.AccountStatusUnreadable ? StatusUnreadable : 0));
        BinaryPrimitives.WriteInt64LittleEndian(memo.Slice(42, 8), found.AccountStatus ?? 0);
        conversation.Remember(memo);
    }

    /// <summary>
    /// The row authentication read, if it was kept on this handle for these arguments and this
    /// user, no more than <see cref="MaxAgeMs"/> ago; otherwise null (query the database).
    /// </summary>
    public static UserLookup? Recall(IPamConversation conversation, ModuleRequest request, long nowMs)
    {
        Span<byte> memo = stackalloc byte[Length];
        if (conversation.Recall(memo) != Length || memo[0] != Format)
            return null;
        long takenAt = BinaryPrimitives.ReadInt64LittleEndian(memo.Slice(33, 8));
        if (nowMs < takenAt || nowMs - takenAt > MaxAgeMs)
            return null;
        Span<byte> key = stackalloc byte[KeyLength];
        Key(request, key);
        if (!key.SequenceEqual(memo.Slice(1, KeyLength)))
            return null;
        byte flags = memo[41];
        long? status = (flags & HasStatus) != 0 ? BinaryPrimitives.ReadInt64LittleEndian(memo.Slice(42, 8)) : null;
        return new UserLookup(LookupStatus.Found, AccountStatus: status, AccountStatusUnreadable: (flags & StatusUnreadable) != 0);
    }

    /// <summary>SHA-256 over the arguments and the user, each length-prefixed.</summary>
    private static void Key(ModuleRequest request, Span<byte> key)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (string arg in request.Args)
            AppendField(sha, arg, length);
        AppendField(sha, request.User, length);
        sha.GetHashAndReset(key);
    }

    private static void AppendField(System.Security.Cryptography.IncrementalHash sha, string text, Span<byte> length)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        sha.AppendData(length);
        sha.AppendData(bytes);
    }
}
