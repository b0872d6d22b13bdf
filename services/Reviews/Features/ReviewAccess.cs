using System.Security.Claims;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// Who sees a review: a visible one, anybody; a hidden one, its student, its tutor and admins; a deleted one, nobody.
/// Anyone who cannot see a review is told it does not exist (404).
/// </summary>
public static class ReviewAccess
{
    public static bool CanSee(this ClaimsPrincipal user, Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return review.State switch
        {
            ReviewState.Visible => true,
            ReviewState.Hidden => user.IsAdmin() || (user.Identity?.IsAuthenticated == true && review.IsParticipant(user.GetUserId())),
            _ => false,
        };
    }
}
