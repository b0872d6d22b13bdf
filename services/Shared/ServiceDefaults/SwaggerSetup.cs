using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace DaprPlatform.ServiceDefaults;

internal static class SwaggerSetup
{
    public static IServiceCollection AddPlatformSwagger(this IServiceCollection services, string serviceName) =>
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo { Title = $"DaprPlatform {serviceName}", Version = "v1" });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "Access token from POST /api/auth/login",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
        });
}
