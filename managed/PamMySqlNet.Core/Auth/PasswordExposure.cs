namespace PamMySqlNet.Auth;

/// <summary>
/// The database password given as passwd= on a pam.d line is readable by every local user when
/// the service file is (/etc/pam.d files are 0644 by default): one warning per service and
/// process, with the fix. Lines read from a private directory (pam_start_confdir) or from
/// /etc/pam.conf are not found here and not judged.
/// </summary>
public static class PasswordExposure
{
    /// <summary>Whether the arguments carry a non-empty passwd= (plain or bracketed).</summary>
    public static bool HasPasswordArgument(IReadOnlyList<string> args)
    {
        foreach (string arg in args)
        {
            var (name, value) = Options.OptionParser.Split(arg);
            if (name == "passwd" && value.Length > 0)
                return true;
        }
        return false;
    }

    /// <summary>The warning for this service, or null (no passwd=, file not found or private).</summary>
    public static string? Check(IReadOnlyList<string> args, string? service, string pamDir = "/etc/pam.d")
    {
        if (OperatingSystem.IsWindows() || !HasPasswordArgument(args) || string.IsNullOrEmpty(service)
            || service.Contains('/') || service.StartsWith('.'))
            return null;
        string path = Path.Combine(pamDir, service);
        try
        {
            if (!File.Exists(path) || (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) == 0)
                return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return $"the database password (passwd=) is in {path}, which every local user can read: "
            + "put it in a config_file owned by root with mode 0600 and remove it from the line";
    }

    /// <summary>Looks at the service file once per process (not at every login).</summary>
    public static void WarnOnce(IReadOnlyList<string> args, string? service, Logging.IModuleLog log)
    {
        if (service is null || !Logging.OncePerProcess.First("passwd= exposure check\0" + service))
            return;
        if (Check(args, service) is { } warning)
            log.Write(Logging.LogLevel.Warning, warning);
    }
}
