using System;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Web
{
    /// <summary>
    /// One request through Uberspace's web frontend: the URL to fetch and, when the route belongs to a domain that the
    /// URL's host name is not, the Host header that reaches the domain's route anyway.
    /// </summary>
    public sealed class FrontendRequest
    {
        public FrontendRequest(string url, string host) { Url = url; Host = host; }
        public string Url { get; }
        /// <summary>The Host header to send; null to send the URL's own.</summary>
        public string Host { get; }

        /// <summary>As the host scripts take it (fetch_status, releases/switch.sh): the URL, or "HOST URL".</summary>
        public string Argument => Host == null ? Url : Host + " " + Url;

        public override string ToString() => Host == null ? Url : $"{Url} (Host: {Host})";
    }

    /// <summary>The one rule for where an app's route is reached from outside, used by every cmdlet that requests it.</summary>
    public static class Frontend
    {
        /// <summary>
        /// The frontend's base URL, without a trailing slash: the -FrontendUrl given to the cmdlet first, then the
        /// session's, then https://DOMAIN for a route of a domain, then https://USER.uber.space (USER: the home's last
        /// segment). A URL the user names wins over the domain, because it says how this machine reaches the host.
        /// </summary>
        public static string Base(string given, string session, string domain, string home) =>
            BaseFor(given, session, domain, home == null ? null : HostPaths.FileName(home));

        /// <summary><see cref="Base"/> for an account known by its name (null: "user").</summary>
        public static string BaseFor(string given, string session, string domain, string user)
        {
            if (!string.IsNullOrEmpty(given)) return given.TrimEnd('/');
            if (!string.IsNullOrEmpty(session)) return session.TrimEnd('/');
            if (!string.IsNullOrEmpty(domain)) return "https://" + domain;
            return "https://" + (string.IsNullOrEmpty(user) ? "user" : user) + ".uber.space";
        }

        /// <summary>The request for PATH (a route plus a path below it) of a route of DOMAIN (null: the account's own
        /// routes) through the base URL chosen by <see cref="Base"/>.</summary>
        public static FrontendRequest Request(string baseUrl, string domain, string path)
        {
            string url = Under(baseUrl, path);
            string host = null;
            if (!string.IsNullOrEmpty(domain) && Uri.TryCreate(baseUrl, UriKind.Absolute, out var u)
                && !string.Equals(u.Host, domain, StringComparison.OrdinalIgnoreCase))
                host = domain;
            return new FrontendRequest(url, host);
        }

        /// <summary>A path below a URL or route, with exactly one '/' between them.</summary>
        public static string Under(string url, string path) =>
            url.TrimEnd('/') + "/" + (path ?? "/").TrimStart('/');
    }
}
