namespace EtcdNet.Grpc;

/// <summary>
/// Reduces an <c>:authority</c> or <c>host</c> value written as a URL (<c>scheme://authority[/path...]</c>) to the
/// bare authority.
/// </summary>
/// <remarks>
/// grpc-go dialled through the passthrough resolver sends the target as given, so etcdctl 3.4's maintenance
/// commands arrive with <c>:authority: http://127.0.0.1:2379</c>. Go's server takes that; Kestrel resets the stream
/// with PROTOCOL_ERROR and offers no switch to relax its check.
/// </remarks>
internal static class AuthorityNormalizer
{
    /// <summary>
    /// The authority part of <paramref name="value"/> when it has the URL form; otherwise <paramref name="value"/>
    /// itself. An empty authority (<c>http://</c>) is left alone for Kestrel to reject as before.
    /// </summary>
    public static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> value)
    {
        var separator = value.IndexOf("://"u8);
        if (separator <= 0 || !IsScheme(value[..separator]))
        {
            return value;
        }

        var rest = value[(separator + 3)..];
        var end = rest.IndexOfAny("/?#"u8);
        var authority = end < 0 ? rest : rest[..end];
        return authority.IsEmpty ? value : authority;
    }

    /// <summary>Whether <paramref name="name"/> is a header naming the request's authority.</summary>
    public static bool IsAuthorityHeader(ReadOnlySpan<byte> name) =>
        name.SequenceEqual(":authority"u8) || name.SequenceEqual("host"u8);

    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    private static bool IsScheme(ReadOnlySpan<byte> s)
    {
        if (!char.IsAsciiLetter((char)s[0]))
        {
            return false;
        }

        foreach (var c in s[1..])
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c != '+' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }
}
