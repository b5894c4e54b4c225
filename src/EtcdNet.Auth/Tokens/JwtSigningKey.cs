using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EtcdNet.Auth;

/// <summary>
/// A JWT signing method (RS/PS/ES/HS 256|384|512) bound to its key, loaded from PEM as etcd's jwt options do:
/// with a private key it signs and verifies, with only a public key it verifies (etcd's verify-only mode).
/// </summary>
public sealed class JwtSigningKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly byte[]? _hmacKey;
    private readonly HashAlgorithmName _hash;

    private JwtSigningKey(string algorithm, RSA? rsa, ECDsa? ecdsa, byte[]? hmacKey, bool canSign)
    {
        Algorithm = algorithm;
        _rsa = rsa;
        _ecdsa = ecdsa;
        _hmacKey = hmacKey;
        CanSign = canSign;
        _hash = algorithm[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
    }

    /// <summary>The JWT "alg", e.g. "RS256".</summary>
    public string Algorithm { get; }

    /// <summary>False when only a public key was given.</summary>
    public bool CanSign { get; }

    /// <summary>Whether <paramref name="method"/> is one etcd (jwt-go) knows.</summary>
    public static bool IsKnownMethod(string method) =>
        method.Length == 5 && method[..2] is "RS" or "PS" or "ES" or "HS" && method[2..] is "256" or "384" or "512";

    /// <summary>
    /// Loads the keys for a method. Errors are etcd's: MissingKey with no usable key, KeyMismatch when the public key
    /// is not the private key's; a PEM that doesn't parse throws <see cref="CryptographicException"/> or <see cref="ArgumentException"/>.
    /// </summary>
    public static JwtSigningKey Load(string method, string? publicPem, string? privatePem)
    {
        switch (method[..2])
        {
            case "HS":
                if (string.IsNullOrEmpty(privatePem)) throw new AuthException(AuthError.MissingKey);
                // HMAC uses the private key file's bytes as the secret, as etcd does.
                return new JwtSigningKey(method, null, null, System.Text.Encoding.UTF8.GetBytes(privatePem), canSign: true);
            case "ES":
            {
                ECDsa? priv = string.IsNullOrEmpty(privatePem) ? null : ImportEcdsa(privatePem);
                ECDsa? pub = string.IsNullOrEmpty(publicPem) ? null : ImportEcdsa(publicPem);
                if (priv is null && pub is null) throw new AuthException(AuthError.MissingKey);
                if (priv is not null && pub is not null && !SamePublicKey(priv.ExportSubjectPublicKeyInfo(), pub.ExportSubjectPublicKeyInfo()))
                {
                    throw new AuthException(AuthError.KeyMismatch);
                }
                if (priv is not null) pub?.Dispose();
                return new JwtSigningKey(method, null, priv ?? pub, null, canSign: priv is not null);
            }
            default:
            {
                RSA? priv = string.IsNullOrEmpty(privatePem) ? null : ImportRsa(privatePem);
                RSA? pub = string.IsNullOrEmpty(publicPem) ? null : ImportRsa(publicPem);
                if (priv is null && pub is null) throw new AuthException(AuthError.MissingKey);
                if (priv is not null && pub is not null && !SamePublicKey(priv.ExportSubjectPublicKeyInfo(), pub.ExportSubjectPublicKeyInfo()))
                {
                    throw new AuthException(AuthError.KeyMismatch);
                }
                if (priv is not null) pub?.Dispose();
                return new JwtSigningKey(method, priv ?? pub, null, null, canSign: priv is not null);
            }
        }
    }

    /// <summary>Signs the JWT signing input (header.claims).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!CanSign) throw new AuthException(AuthError.VerifyOnly);
        return Algorithm[..2] switch
        {
            "RS" => _rsa!.SignData(data.ToArray(), _hash, RSASignaturePadding.Pkcs1),
            "PS" => _rsa!.SignData(data.ToArray(), _hash, RSASignaturePadding.Pss),
            "ES" => _ecdsa!.SignData(data, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => Hmac(data),
        };
    }

    /// <summary>Checks a signature over the signing input.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return Algorithm[..2] switch
            {
                "RS" => _rsa!.VerifyData(data, signature, _hash, RSASignaturePadding.Pkcs1),
                "PS" => _rsa!.VerifyData(data, signature, _hash, RSASignaturePadding.Pss),
                "ES" => _ecdsa!.VerifyData(data, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                _ => CryptographicOperations.FixedTimeEquals(Hmac(data), signature),
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }

    private byte[] Hmac(ReadOnlySpan<byte> data) => _hash.Name switch
    {
        "SHA256" => HMACSHA256.HashData(_hmacKey, data),
        "SHA384" => HMACSHA384.HashData(_hmacKey, data),
        _ => HMACSHA512.HashData(_hmacKey, data),
    };

    private static bool SamePublicKey(byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b);

    private static RSA ImportRsa(string pem)
    {
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using X509Certificate2 cert = X509Certificate2.CreateFromPem(pem);
            return cert.GetRSAPublicKey() ?? throw new CryptographicException("certificate holds no RSA key");
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    private static ECDsa ImportEcdsa(string pem)
    {
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using X509Certificate2 cert = X509Certificate2.CreateFromPem(pem);
            return cert.GetECDsaPublicKey() ?? throw new CryptographicException("certificate holds no ECDSA key");
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return ecdsa;
    }
}
