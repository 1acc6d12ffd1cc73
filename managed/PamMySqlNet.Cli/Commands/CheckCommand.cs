using PamMySqlNet.CommandLine;
using System.Diagnostics;
using MySqlConnector;
using PamMySqlNet.Auth;
using PamMySqlNet.Cli.PamConfig;
using PamMySqlNet.Data;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Cli.Commands;

/// <summary><c>pam-mysql-net check</c>: is this configuration going to work? Never prints a secret.</summary>
public static class CheckCommand
{
    public const string Help =
        """
        usage: pam-mysql-net check (--service NAME | --pam-line 'LINE' | --config FILE) [--user USER [--rhost ADDR]]

        Checks a pam_mysql_net configuration the way the module reads it:
          - options and config-file keys (unknown or misspelled ones, with suggestions; bad values),
          - the config file's ownership and permissions,
          - every configured database server: connects, and reports TLS (and how the server's
            certificate was verified) and latency; a server that is not a loopback address and
            is not verified, and verify_ca without ssl_ca/ssl_capath, are problems,
          - how a caching_sha2_password account's password reaches each server when the server
            wants full authentication (unix socket, TLS, server_public_key, or a key fetched
            from a loopback server); none at all is a problem,
          - with --user: runs the module's query for USER and says which password scheme the
            stored value uses and whether weak_schemes counts it as weak (the value itself is
            never printed). %s is NAME with --service (else NULL), %r is --rhost (else NULL).

        options:
          --service NAME     the pam_mysql_net.so lines of /etc/pam.d/NAME
          --pam-dir DIR      read services from DIR instead of /etc/pam.d
          --pam-line LINE    one pam.d line, or just the module's arguments
          --config FILE      a config file (as config_file=FILE)
          --user USER        also look USER up
          --rhost ADDR       the remote address %r stands for in that lookup
          -h, --help         this text

        exit status: 0 no problem found; 1 problems found (each on its own line); 2 usage error
        """;

    public static int Run(IReadOnlyList<string> args, CliContext io)
    {
        if (!ArgReader.TryParse(args, ["--service", "--pam-dir", "--pam-line", "--config", "--user", "--rhost"], [], out var a, out string error))
            return io.Fail("check", error + " (see pam-mysql-net check --help)");
        if (a.Help)
        {
            io.Stdout.WriteLine(Help);
            return ExitCodes.Ok;
        }
        string?[] sources = [a.Value("--service"), a.Value("--pam-line"), a.Value("--config")];
        if (sources.Count(s => s is not null) != 1 || a.Positionals.Count > 0)
            return io.Fail("check", "give exactly one of --service, --pam-line, --config (see pam-mysql-net check --help)");

        var sets = new List<(string Where, string[] Args)>();
        if (a.Value("--service") is string service)
        {
            string path = Path.Combine(a.Value("--pam-dir") ?? "/etc/pam.d", service);
            if (!File.Exists(path))
                return io.Fail("check", $"{path} does not exist");
            foreach (var (line, moduleArgs) in PamLine.ModuleArguments(File.ReadAllText(path)))
                sets.Add(($"{path} line {line}", moduleArgs));
            if (sets.Count == 0)
                return io.Fail("check", $"{path} has no {PamLine.ModuleName} line");
        }
        else if (a.Value("--pam-line") is string line)
            sets.Add(("the given line", PamLine.ArgumentsOf(line)));
        else
            sets.Add((a.Value("--config")!, [$"config_file={a.Value("--config")}"]));

        int problems = 0;
        var checkedHosts = new HashSet<string>();
        foreach (var (where, moduleArgs) in sets.DistinctBy(s => string.Join('\0', s.Args)))
            problems += CheckOne(where, moduleArgs, new Lookup(a.Value("--user"), a.Value("--service"), a.Value("--rhost")), checkedHosts, io);
        // The DB password on a line of a file every local user can read (once per file).
        if (a.Value("--service") is string exposed
            && sets.Select(s => PasswordExposure.Check(s.Args, exposed, a.Value("--pam-dir") ?? "/etc/pam.d"))
                .FirstOrDefault(w => w is not null) is { } warning)
        {
            problems++;
            io.Stdout.WriteLine($"  PROBLEM: {warning}");
        }
        io.Stdout.WriteLine(problems == 0 ? "no problems found" : $"{problems} problem(s) found");
        return problems == 0 ? ExitCodes.Ok : ExitCodes.NoMatch;
    }

    /// <summary>--user and what %s and %r stand for in its lookup.</summary>
    private sealed record Lookup(string? User, string? Service, string? RHost);

    private static int CheckOne(string where, string[] args, Lookup lookup, HashSet<string> checkedHosts, CliContext io)
    {
        int problems = 0;
        void Problem(string text)
        {
            problems++;
            io.Stdout.WriteLine($"  PROBLEM: {text}");
        }
        io.Stdout.WriteLine($"{where}:");
        var line = ParsedLines.Load(args);
        var parsed = line.Parsed;
        foreach (var unknown in parsed.UnknownOptions)
        {
            string name = unknown.Split('\'') is { Length: >= 2 } parts ? parts[1] : unknown;
            string? suggestion = Suggestions.For(name);
            Problem($"unknown {unknown}{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}");
        }
        if (parsed.Errors.Count == 0)
            foreach (var notice in parsed.Notices)
                io.Stdout.WriteLine($"  notice: {notice}");
        foreach (var problem in line.Problems)
            Problem(problem);
        if (!line.Usable)
            return problems;
        var s = parsed.Settings;
        var queries = line.Queries!;
        io.Stdout.WriteLine($"  options: ok (crypt={CryptModeNames.Name(s.Crypt)}, {s.Hosts.Count} server(s))");
        io.Stdout.WriteLine($"  stored values: {(s.DefaultScheme is { } ds ? $"without a prefix read as {{{ds}}}" : "without a prefix detected by shape")}" +
                            $"; weak schemes: {PamMySqlNet.Auth.WeakSchemes.Name(s.WeakSchemes)}");
        io.Stdout.WriteLine(s.Rehash is { } target
            ? $"  rehash: to {target} after a successful login, compare-and-set into {s.UpdateTable ?? s.Table}"
            : "  rehash: off");
        io.Stdout.WriteLine(s.MaxRows > 1
            ? $"  rows per user: up to max_rows={s.MaxRows}, any may match (app passwords; each login checks every row; no rehash or password change for a user with several)"
            : "  rows per user: one (max_rows=1)");
        string[] hooks = [.. new[] { ("auth_succ_query", s.AuthSuccQuery), ("auth_fail_query", s.AuthFailQuery) }
            .Where(h => h.Item2 is not null).Select(h => h.Item1)];
        io.Stdout.WriteLine($"  login hooks: {(hooks.Length == 0 ? "none" : string.Join(", ", hooks) + " (not run by check)")}");
        if (s.ServerPublicKey is { } keyFile && !File.Exists(keyFile))
            Problem($"server_public_key {keyFile} does not exist");
        var (route, routeProblem) = BrokerProbe.Describe(s);
        if (routeProblem)
            Problem($"route: {route}");
        else
            io.Stdout.WriteLine($"  route: {route}");
        io.Stdout.WriteLine($"  throttle: {s.Throttle.Describe()}; failure delay {s.EffectiveFailDelayMicroseconds / 1e6:0.###} s");

        foreach (var endpoint in s.Hosts)
        {
            if (!checkedHosts.Add($"{endpoint}|{s.DbUser}|{s.Database}"))
                continue;
            var plan = TlsPolicy.For(s, endpoint);
            if (plan.Warning is { } warning)
                Problem(warning);
            string transport = PublicKeyPolicy.Describe(
                PublicKeyPolicy.For(s, endpoint, Loopback.Shared.Is(endpoint), plan.DriverMode), out bool noTransport);
            if (noTransport)
                Problem($"server {endpoint}: caching_sha2_password full authentication: {transport}");
            else
                io.Stdout.WriteLine($"  server {endpoint}: caching_sha2_password full authentication: {transport}");
            var trust = TlsTrust.For(s);
            var clock = Stopwatch.StartNew();
            try
            {
                using var connection = new MySqlConnection(ConnectionStrings.For(s, endpoint));
                if (trust is not null)
                    connection.RemoteCertificateValidationCallback = trust.Callback;
                connection.Open();
                double ms = clock.Elapsed.TotalMilliseconds;
                using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_version'", connection);
                using var reader = command.ExecuteReader();
                string tls = reader.Read() && reader.GetString(1) is { Length: > 0 } v ? $"{v}, {Verification(s, plan)}" : "no TLS";
                io.Stdout.WriteLine($"  server {endpoint}: connected in {ms:0.0} ms, MariaDB/MySQL {connection.ServerVersion}, {tls}");
            }
            catch (Exception e) when (e is MySqlException or IOException or InvalidOperationException or TimeoutException
                                        or System.Net.Sockets.SocketException)
            {
                string why = MySqlUserStore.DescribeRefusal(trust)
                             ?? $"{e.Message}{(e.InnerException is { } i ? ": " + i.Message : "")}";
                Problem($"server {endpoint}: cannot connect: {why}");
            }
        }
        if (queries.Throttle is not null)
            problems += CheckThrottleTable(s, queries, io);
        if (s.Rehash is not null)
            problems += CheckRehashPrivilege(s, queries, io);
        if (lookup.User is { } user)
            problems += CheckUser(s, queries.ForRequest(lookup.Service, lookup.RHost), user, io);
        return problems;
    }

    /// <summary>throttle_table can be read (one SELECT by key; check writes nothing).</summary>
    private static int CheckThrottleTable(ModuleSettings s, QuerySet queries, CliContext io)
    {
        var table = new MySqlUserStore(s, queries).ThrottleTable!;
        if (table.Read(["address 192.0.2.0"], out string? error) is null)
        {
            io.Stdout.WriteLine($"  PROBLEM: throttle_table {s.Throttle.Table}: cannot be read: {error} (logins would be counted in memory only)");
            return 1;
        }
        io.Stdout.WriteLine($"  throttle_table {s.Throttle.Table}: readable (writing is not tried; the module's database user needs INSERT, UPDATE, DELETE on it)");
        return 0;
    }

    /// <summary>A name no mailbox can have: the rehash probe's compare-and-set matches no row.</summary>
    internal const string ProbeUser = "\u0001pam-mysql-net check: no such user\u0001";

    /// <summary>rehash= needs UPDATE on update_table: the module's own compare-and-set statement, run
    /// for a user that cannot exist and an empty old value, in a transaction. It changes no row; the
    /// server checks the privilege all the same (an UPDATE that matches nothing still needs it).</summary>
    private static int CheckRehashPrivilege(ModuleSettings s, QuerySet queries, CliContext io)
    {
        string table = s.UpdateTable ?? s.Table!;
        var probe = new MySqlUserStore(s, queries).ReplacePassword(ProbeUser, "", "");
        switch (probe.Status)
        {
            case WriteStatus.WrongRowCount:
                io.Stdout.WriteLine($"  rehash: the module's database user may UPDATE {table} (probed with a statement that changes no row)");
                return 0;
            case WriteStatus.Unavailable:
                return 0; // the server lines above already say why
            default:
                io.Stdout.WriteLine($"  PROBLEM: rehash: cannot UPDATE {table}: {probe.Detail} (logins still succeed; stored hashes are not rewritten)");
                return 1;
        }
    }

    /// <summary>What the TLS connection that just succeeded proved about the server.</summary>
    private static string Verification(ModuleSettings s, TlsPlan plan) => plan.Check switch
    {
        CertificateCheck.None => "certificate not verified",
        CertificateCheck.SystemStore => plan.CheckName ? "certificate and name verified against the system CAs"
            : "certificate verified against the system CAs (name not checked)",
        _ => $"certificate verified against {TlsTrust.CaSource(s)}" + (plan.CheckName ? " and its name checked" : " (name not checked)"),
    };

    private static int CheckUser(ModuleSettings s, QuerySet queries, string user, CliContext io)
    {
        var found = new MySqlUserStore(s, queries).Lookup(user);
        switch (found.Status)
        {
            case LookupStatus.Found when found.StoredPasswords is { Count: > 1 } rows:
                io.Stdout.WriteLine($"  user '{user}': found; {rows.Count} stored passwords (max_rows={s.MaxRows}), schemes: "
                                    + string.Join(", ", rows.Select(r => SchemeOf(s, r)))
                                    + (found.AccountStatus is { } all ? $"; status {all} (all rows)" : "")
                                    + (s.Rehash is null ? "" : "; not rehashed (several rows)"));
                return 0;
            case LookupStatus.Found:
                string rehash = s.Rehash is { } target && found.StoredPassword is { Length: > 0 } value
                    ? $"; rehashed to {target} at the next login: {(PamMySqlNet.Auth.RehashPolicy.IsBelow(target, PamMySqlNet.Auth.DefaultScheme.Apply(s, value)) ? "yes" : "no")}"
                    : "";
                io.Stdout.WriteLine($"  user '{user}': found; stored password scheme: {SchemeOf(s, found.StoredPassword)}" +
                                    (found.AccountStatus is { } st ? $"; status {st}" : "") + rehash);
                return 0;
            case LookupStatus.NotFound:
                io.Stdout.WriteLine($"  PROBLEM: user '{user}': not found by the module's query");
                return 1;
            default:
                io.Stdout.WriteLine($"  PROBLEM: user '{user}': {found.Status}: {found.Detail}");
                return 1;
        }
    }

    /// <summary>The scheme of one stored value and whether weak_schemes calls it weak (never the value).</summary>
    private static string SchemeOf(ModuleSettings s, string? stored) => stored is not { Length: > 0 }
        ? "none (NULL or empty: login refused unless nullok)"
        : Describe(s, PamMySqlNet.Auth.DefaultScheme.Apply(s, stored))
          + (PamMySqlNet.Auth.WeakSchemes.Of(s, PamMySqlNet.Auth.DefaultScheme.Apply(s, stored)) is { } weak
              ? $" (weak: {weak}; weak_schemes={PamMySqlNet.Auth.WeakSchemes.Name(s.WeakSchemes)})" : "");

    /// <summary>The scheme of a stored value, by what the module would do with it (never the value):
    /// the module's own detection (SchemeRegistry.DetectAuto for crypt=auto), after default_scheme.</summary>
    private static string Describe(ModuleSettings s, string stored)
    {
        var options = new VerifyOptions { Use323Passwd = s.Use323Passwd };
        if (s.Crypt != CryptMode.Auto)
            return PasswordVerifier.SchemeName(s.Crypt, stored, options) ?? $"not valid for crypt={CryptModeNames.Name(s.Crypt)}";
        var scheme = SchemeRegistry.DetectAuto(DefaultScheme.Apply(s, stored), options);
        if (scheme == SchemeRegistry.NoScheme)
            return "none that crypt=auto reads";
        return scheme.Name.StartsWith('{') ? $"{scheme.Name} (Dovecot/LDAP prefix)" : scheme.Name;
    }
}
