using PamMySqlNet.Data;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// <c>rehash=</c>: after a login whose typed password matched the stored value, a value below the
/// target (<see cref="RehashPolicy.IsBelow"/>) is replaced by a new hash of the same password, compare-and-set
/// on the old value (<see cref="IUserStore.ReplacePassword"/>). Whatever happens, the login's answer is
/// not changed: a failure is one log line. Never a password or a hash in the log.
/// </summary>
/// <remarks>Skipped when the lookup already took half of query_timeout or more: a slow database
/// would make the write add up to another query_timeout to this login. It runs in whichever process
/// verifies (the module, the fork helper, the resident daemon): the same code path.</remarks>
public static class RehashOnLogin
{
    /// <param name="stored">The value as the table holds it (the compare-and-set compares this).</param>
    /// <param name="read">The value as crypt= reads it (default_scheme applied): its scheme and cost decide.</param>
    /// <param name="lookupMilliseconds">How long the lookup took.</param>
    public static void Run(ModuleSettings s, IUserStore store, IModuleLog log, ModuleRequest request, ReadOnlySpan<byte> password,
        string stored, string read, long lookupMilliseconds)
    {
        string who = StoreFailures.Who(request);
        if (s.Rehash is not { } target || password.Length == 0 || !RehashPolicy.IsBelow(target, read))
            return;
        if (lookupMilliseconds * 2 >= s.QueryTimeoutSeconds * 1000L)
        {
            log.Write(LogLevel.Notice, $"rehash skipped for {who}: the lookup took {lookupMilliseconds} ms (query_timeout {s.QueryTimeoutSeconds} s)");
            return;
        }
        string fresh;
        try
        {
            fresh = NewPasswordFormat.Rehashed(s, target, password);
        }
        // Never the login's failure: a cost the hasher refuses, OpenSSL failing (its SHA-2 and
        // random bytes; seen in a helper under a 64 MiB address-space cap), or Argon2's memory not
        // allocated (libsodium's or ours, in a host whose address space is capped).
        catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            log.Write(LogLevel.Err, $"rehash failed for {who}: {e.Message}");
            return;
        }
        catch (OutOfMemoryException e)
        {
            log.Write(LogLevel.Err, $"rehash failed for {who}: {e.GetType().Name}, the new hash's memory could not be allocated (the login succeeds)");
            return;
        }
        var written = store.ReplacePassword(request.User, stored, fresh);
        switch (written.Status)
        {
            case WriteStatus.Done:
                log.Write(LogLevel.Notice, $"rehashed the stored password of {who} to {target}");
                break;
            case WriteStatus.WrongRowCount:
                log.Write(LogLevel.Notice, $"rehash not written for {who}: {written.Detail} (the stored password changed since the login read it, or the name is not unique in update_table)");
                break;
            default:
                log.Write(LogLevel.Err, $"rehash failed for {who} (the login succeeds): {written.Detail}");
                break;
        }
    }
}
