using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Features;

public sealed record JsonWebKeyResponse(string Kty, string Kid, string Use, string Alg, string N, string E);

public sealed record JsonWebKeySetResponse(IReadOnlyList<JsonWebKeyResponse> Keys);

public static class Jwks
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/.well-known/jwks.json", Handle)
            .AllowAnonymous()
            .WithName("GetJsonWebKeySet");

    public static Ok<JsonWebKeySetResponse> Handle(AccessTokenSigningKey signingKey, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(context);
        // Validators cache the set and refetch on an unknown kid, so a short public cache is safe during key rotation.
        context.Response.Headers.CacheControl = "public, max-age=300";
        var parameters = signingKey.PublicParameters;
        var key = new JsonWebKeyResponse(
            Kty: JsonWebAlgorithmsKeyTypes.RSA,
            Kid: signingKey.KeyId,
            Use: JsonWebKeyUseNames.Sig,
            Alg: SecurityAlgorithms.RsaSha256,
            N: Base64UrlEncoder.Encode(parameters.Modulus),
            E: Base64UrlEncoder.Encode(parameters.Exponent));
        return TypedResults.Ok(new JsonWebKeySetResponse([key]));
    }
}
