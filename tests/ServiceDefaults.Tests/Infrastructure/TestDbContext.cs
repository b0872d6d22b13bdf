using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.ServiceDefaults.Tests.Infrastructure;

/// <summary>The smallest context AddServiceDatabase can register; readiness only needs a connection.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options);
