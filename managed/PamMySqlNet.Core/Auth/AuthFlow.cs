using System.Security.Cryptography;
using PamMySqlNet.Data;
using PamMySqlNet.Hashing;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Auth;

/// <summary>pam_sm_authenticate and pam_sm_acct_mgmt for one request, with pam_mysql's return codes.</summary>
public sealed class AuthFlow(ModuleSettings settings, IUserStore store, IModuleLog log, ModuleRequest request)
{
    /// <summary>Longer passwords are refused before any hashing, at login and as new passwords:
    /// PAM_MAX_RESP_SIZE, and what libxcrypt can hash. Bounds the work a typed password adds to
    /// sha-crypt and phpass, whose cost grows with its length.</summary>
    public const int MaxPasswordBytes = 512;

    private readonly SqlAudit _audit = new(settings, store, log, request);
    private string Who => StoreFailures.Who(request);
    /// <summary>Whether a password was checked (against the database, or refused before it).</summary>
    private bool _checked;

    /// <param name="throttle">The counters; the process's own (<see cref="Throttle.Shared"/>) unless a test passes its own.</param>
    public PamCode Authenticate(IPamConversation conversation, Throttle? throttle = null)
    {
        _gate = ThrottleGate.For(settings.Throttle, request, throttle, store.ThrottleTable);
        if (_gate is not null && !_gate.Admit(log))
        {
            // At once: no prompt, no query, no hash, no sqllog row, no fail delay.
            if (settings.Verbose)
                log.Write(LogLevel.Info, $"authentication refused without a check: throttled ({Who})");
            return PamCode.AuthErr;
        }
        PamCode result = AuthenticateChecked(conversation);
        if (_checked && !_refusedShared)
            _gate?.Record(result, log);
        return result;
    }

    private ThrottleGate? _gate;
    /// <summary>Refused after the lookup: throttle_table says other servers throttle it.</summary>
    private bool _refusedShared;

    private PamCode AuthenticateChecked(IPamConversation conversation)
    {
        // Registered up front, as pam_unix does: libpam applies it only if the stack fails.
        if (settings.EffectiveFailDelayMicroseconds > 0)
            conversation.RequestFailDelay(settings.EffectiveFailDelayMicroseconds);

        if (settings.UseFirstPass || settings.TryFirstPass)
        {
            PamCode got = conversation.GetAuthTok(AuthTokItem.AuthTok, AuthTokMode.UseFirstPass, "Password: ", out byte[]? earlier);
            if (got == PamCode.Success && earlier is not null)
            {
                PamCode first = CheckAndWipe(earlier, conversation);
                // pam_mysql's try_first_pass: when an earlier module's password fails, ask once more.
                if (settings.UseFirstPass || _refusedShared || first is not (PamCode.AuthErr or PamCode.UserUnknown))
                    return Audited(first);
            }
            else if (settings.UseFirstPass)
            {
                log.Write(LogLevel.Err, $"use_first_pass is set but no earlier module supplied a password for {Who}");
                return Audited(PamCode.AuthErr);
            }
        }
        PamCode asked = conversation.GetAuthTok(AuthTokItem.AuthTok, AuthTokMode.Prompt, "Password: ", out byte[]? password);
        if (asked != PamCode.Success || password is null)
        {
            log.Write(LogLevel.Err, $"could not obtain the password for {Who} (PAM code {(int)asked})");
            return asked == PamCode.Success ? PamCode.AuthErr : asked;
        }
        return Audited(CheckAndWipe(password, conversation));
    }

    private PamCode CheckAndWipe(byte[] password, IPamConversation conversation)
    {
        try
        {
            _checked = true;
            var (result, found) = Check(password);
            // For pam_sm_acct_mgmt on this handle (AccountMemo): the row need not be read twice.
            if (result == PamCode.Success && found is not null)
                AccountMemo.Remember(conversation, request, found, Environment.TickCount64);
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }

    private PamCode Audited(PamCode result)
    {
        if (!_refusedShared && result is PamCode.Success or PamCode.AuthErr or PamCode.UserUnknown)
        {
            _audit.Write(result == PamCode.Success ? SqlAudit.AuthSuccess : SqlAudit.AuthFailure);
            LoginHooks.Run(settings, store, log, request, succeeded: result == PamCode.Success);
        }
        return result;
    }

    /// <summary>statcolumn: bit 0 = account expired, bit 1 = password expired; NULL = expired, as in
    /// pam_mysql (an account whose status is unknown is not let in).</summary>
    /// <remarks>Right after a successful authenticate on the same handle, the row it read is used
    /// (<see cref="AccountMemo"/>); otherwise the row is read now.</remarks>
    public PamCode CheckAccount(IPamConversation conversation)
    {
        if (UserNames.Reject(request.User) is { } why)
        {
            log.Write(LogLevel.Notice, $"account check refused: {why}");
            return PamCode.UserUnknown;
        }
        var found = AccountMemo.Recall(conversation, request, Environment.TickCount64) ?? store.Lookup(request.User);
        _audit.WriteQuery(found.Status);
        if (found.Status != LookupStatus.Found)
            return StoreFailures.Report(found, "account check", Who, settings.Verbose, log);
        if (settings.StatColumn is null)
            return PamCode.Success;
        if (found.AccountStatusUnreadable)
        {
            log.Write(LogLevel.Err, $"account check failure: the status of {Who} is not a number");
            return PamCode.ServiceErr;
        }
        if (found.AccountStatus is not { } status)
        {
            log.Write(LogLevel.Notice, $"account check failure: the status of {Who} is NULL; treated as expired");
            return PamCode.AcctExpired;
        }
        if ((status & 1) != 0)
        {
            log.Write(LogLevel.Notice, $"account check failure: the account of {Who} has expired");
            return PamCode.AcctExpired;
        }
        if ((status & 2) != 0)
        {
            log.Write(LogLevel.Notice, $"account check: the password of {Who} has expired and must be changed");
            return PamCode.NewAuthTokReqd;
        }
        return PamCode.Success;
    }

    /// <summary>The PAM result, and the row it was decided on (null when none was read).</summary>
    private (PamCode, UserLookup?) Check(byte[] password)
    {
        if (UserNames.Reject(request.User) is { } why)
        {
            log.Write(LogLevel.Notice, $"authentication refused: {why}");
            return (PamCode.UserUnknown, null);
        }
        if (password.Length > MaxPasswordBytes)
        {
            log.Write(LogLevel.Notice, $"authentication refused: password longer than {MaxPasswordBytes} bytes for {Who}");
            return (PamCode.AuthErr, null);
        }
        // Whatever the stored value ({PLAIN} empty, a hash of ""): empty only with nullok, and only
        // when the application allows it (sshd's PermitEmptyPasswords no sets DISALLOW_NULL_AUTHTOK).
        if (password.Length == 0 && !EmptyPasswordAllowed)
        {
            log.Write(LogLevel.Notice, settings.NullOk
                ? $"authentication refused: empty password for {Who} (the application disallows empty passwords)"
                : $"authentication refused: empty password for {Who} (nullok is not set)");
            return (PamCode.AuthErr, null);
        }
        // A process that has verified no row of this table yet (every one-shot host and fork helper)
        // reads one other row's scheme and cost in the same query, known user or not.
        long started = Environment.TickCount64;
        var found = store.Lookup(request.User, withSample: !DummyHashes.Knows(settings));
        long lookupMilliseconds = Environment.TickCount64 - started;
        if (found.Status is LookupStatus.Found or LookupStatus.NotFound && _gate is not null && !_gate.AdmitShared(log))
        {
            // No hash, known user or not: the servers sharing throttle_table throttle it.
            _refusedShared = true;
            if (settings.Verbose)
                log.Write(LogLevel.Info, $"authentication refused without a check: throttled through throttle_table ({Who})");
            return (PamCode.AuthErr, null);
        }
        if (found.Status == LookupStatus.NotFound)
            DummyHashes.VerifyAgainstDummy(settings, password, found.Sample is { } sample ? DefaultScheme.Apply(settings, sample) : null);
        if (found.Status != LookupStatus.Found)
            return (StoreFailures.Report(found, "authentication", Who, settings.Verbose, log), null);
        PamCode verified = Verify(password, found);
        // Only after a real match of the typed password (not nullok's empty password, never a refusal).
        if (verified == PamCode.Success && _matched is { } read)
            RehashOnLogin.Run(settings, store, log, request, password, found.StoredPassword!, read, lookupMilliseconds);
        else if (verified == PamCode.Success && found.Rows > 1 && settings.Rehash is not null && settings.Verbose)
            log.Write(LogLevel.Info, $"rehash skipped for {Who}: {found.Rows} stored passwords (max_rows; only a user with one row is rehashed)");
        return (verified, found);
    }

    /// <summary>The stored value as crypt= read it, when the typed password matched it.</summary>
    private string? _matched;

    private PamCode Verify(byte[] password, UserLookup found)
    {
        if (found.StoredPasswords is { Count: > 1 } rows)
            return VerifyAny(password, rows);
        if (string.IsNullOrEmpty(found.StoredPassword))
            return NoStoredPassword(password);

        string stored = DefaultScheme.Apply(settings, found.StoredPassword);
        var result = PasswordVerifier.Verify(settings.Crypt, password, stored, VerifyOptionsFor(settings, request.User));
        if (result is VerifyResult.Match or VerifyResult.NoMatch)
            DummyHashes.Observe(settings, stored);
        if (result == VerifyResult.Match)
            _matched = stored;
        return Decide(result, stored);
    }

    /// <summary>
    /// max_rows above 1 and several rows (app passwords): the login succeeds if any row matches. Every
    /// row is checked in full, whatever an earlier one gave (<see cref="CheckEveryRow"/>): the time says
    /// how many rows there are, never which one matched. A row that cannot be checked (malformed, a
    /// scheme this version lacks) does not block the others: one log line names its position, never
    /// its value. weak_schemes looks at the matching row (a non-weak match is preferred); there is no
    /// rehash (<see cref="_matched"/> stays null): the rows do not say which one update_table holds.
    /// </summary>
    private PamCode VerifyAny(byte[] password, IReadOnlyList<string?> rows)
    {
        var checks = CheckEveryRow(settings, password, rows, request.User, EmptyPasswordAllowed);
        int chosen = -1;
        bool chosenWeak = false, observed = false, emptyMatched = false;
        var uncheckable = new List<int>();
        for (int i = 0; i < checks.Length; i++)
        {
            var (result, stored) = checks[i];
            if (result is VerifyResult.Malformed or VerifyResult.Unsupported)
                uncheckable.Add(i + 1);
            // An empty or NULL row that nullok let an empty password match (NoStoredPassword's rule).
            emptyMatched |= stored is null && result == VerifyResult.Match;
            if (stored is null || result is not (VerifyResult.Match or VerifyResult.NoMatch))
                continue;
            // The first row (the main password in a UNION written main first) sets the unknown-user dummy.
            if (!observed)
                DummyHashes.Observe(settings, stored);
            observed = true;
            bool weak = settings.WeakSchemes != WeakSchemePolicy.Allow && WeakSchemes.Of(settings, stored) is not null;
            if (result == VerifyResult.Match && (chosen < 0 || (chosenWeak && !weak)))
                (chosen, chosenWeak) = (i, weak);
        }
        if (uncheckable.Count > 0)
            log.Write(LogLevel.Err, $"authentication: stored value {string.Join(", ", uncheckable)} of the {rows.Count} of {Who} cannot be checked with crypt={CryptModeNames.Name(settings.Crypt)}; ignored, the other rows were checked");
        if (chosen >= 0)
            return Decide(VerifyResult.Match, checks[chosen].Stored!);
        return emptyMatched ? PamCode.Success : Decide(VerifyResult.NoMatch, "");
    }

    /// <summary>Every row checked against the typed password, each in full and none skipped (no early
    /// exit after a match). NULL or empty rows match only an empty password that nullok allows
    /// (<paramref name="emptyAllowed"/>) and are returned with a null value.</summary>
    internal static (VerifyResult Result, string? Stored)[] CheckEveryRow(ModuleSettings s, ReadOnlySpan<byte> password,
        IReadOnlyList<string?> rows, string user, bool emptyAllowed)
    {
        var checks = new (VerifyResult, string?)[rows.Count];
        var options = VerifyOptionsFor(s, user);
        for (int i = 0; i < rows.Count; i++)
        {
            if (string.IsNullOrEmpty(rows[i]))
            {
                checks[i] = (emptyAllowed && password.IsEmpty ? VerifyResult.Match : VerifyResult.NoMatch, null);
                continue;
            }
            string stored = DefaultScheme.Apply(s, rows[i]!);
            checks[i] = (PasswordVerifier.Verify(s.Crypt, password, stored, options), stored);
        }
        return checks;
    }

    /// <summary>The answer and its log line for a checked stored value (as crypt= reads it).</summary>
    private PamCode Decide(VerifyResult result, string stored)
    {
        switch (result)
        {
            // Decided after the full check, so a weak row costs what any row costs, and the answer
            // (PAM_AUTH_ERR) is a wrong password's: nothing tells the client which it was.
            case VerifyResult.Match when settings.WeakSchemes != WeakSchemePolicy.Allow && WeakSchemes.Of(settings, stored) is { } weak:
                if (settings.WeakSchemes == WeakSchemePolicy.Refuse)
                {
                    log.Write(LogLevel.Warning, $"authentication refused: the stored password of {Who} uses the weak scheme {weak} (weak_schemes=refuse); store a new hash");
                    return PamCode.AuthErr;
                }
                log.Write(LogLevel.Warning, $"authenticated {Who}, whose stored password uses the weak scheme {weak} (weak_schemes=log); store a new hash");
                return PamCode.Success;
            case VerifyResult.Match:
                if (settings.Verbose)
                    log.Write(LogLevel.Info, $"authenticated {Who}");
                return PamCode.Success;
            case VerifyResult.NoMatch:
                log.Write(LogLevel.Notice, $"authentication failure: wrong password for {Who}");
                return PamCode.AuthErr;
            case VerifyResult.Malformed when HashCost.Of(stored, out string? overCap) is null && overCap is not null:
                log.Write(LogLevel.Err, $"authentication failure: the stored password of {Who} is refused: {overCap}");
                return PamCode.AuthErr;
            case VerifyResult.Malformed:
                log.Write(LogLevel.Err, $"authentication failure: the stored password of {Who} is not a valid hash for crypt={CryptModeNames.Name(settings.Crypt)}");
                return PamCode.AuthErr;
            default:
                log.Write(LogLevel.Err, $"authentication failure: the stored password of {Who} uses a scheme this version cannot check (crypt={CryptModeNames.Name(settings.Crypt)})"
                                        + (LibXCrypt.Unavailable is { } why ? $"; libxcrypt: {why}" : ""));
                return PamCode.AuthErr;
        }
    }

    /// <summary>The options a stored value is read with; <paramref name="user"/> is the login name
    /// (Dovecot's DIGEST-MD5 hashes it in).</summary>
    internal static VerifyOptions VerifyOptionsFor(ModuleSettings s, string user) => new() { Use323Passwd = s.Use323Passwd, UserName = user };

    /// <summary>nullok is set and the application does not pass PAM_DISALLOW_NULL_AUTHTOK.</summary>
    private bool EmptyPasswordAllowed => settings.NullOk && (request.Flags & PamFlags.DisallowNullAuthTok) == 0;

    /// <summary>NULL or empty stored password: refused unless nullok and the application allows it.</summary>
    private PamCode NoStoredPassword(byte[] password)
    {
        bool allowed = EmptyPasswordAllowed && password.Length == 0;
        if (allowed)
            return PamCode.Success;
        log.Write(LogLevel.Notice, $"authentication failure: {Who} has no stored password");
        return PamCode.AuthErr;
    }
}
