"""The per-reader actions under each post of a topic page, rendered in Python.

They cannot be cached (they differ per reader: liked or not, may edit, may accept) and as
templates they were the largest part of a signed-in topic page's rendering (three includes
per post, ~0.3 ms each post). ``forum/includes/post_actions.html`` and ``like_button.html``
remain the reference: tests/forum/test_fragments.py checks that both give the same HTML.
"""

from django import template
from django.template.defaultfilters import pluralize
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from community import fragments
from forum import selectors
from forum.models import Post
from moderation.templatetags.moderation_tags import flag_box

register = template.Library()

url_for = fragments.url_for


def _like_box(post, csrf: str) -> str:
    count = post.like_count
    plural = pluralize(count)
    counter = f'<span class="like-count" data-like-count="{post.pk}">{count}</span>'
    if post.can_like:
        if post.liked:
            url = url_for("forum:unlike", post.pk)
            button = (f'<button type="submit" class="like-button is-liked" aria-pressed="true" '
                      f'aria-label="Withdraw your like ({count} like{plural})">♥ {counter}</button>')
        else:
            url = url_for("forum:like", post.pk)
            button = (f'<button type="submit" class="like-button" aria-pressed="false" '
                      f'aria-label="Like this post ({count} like{plural})">♡ {counter}</button>')
        inner = (f'<form method="post" action="{url}" hx-post="{url}" hx-target="#like-{post.pk}" '
                 f'hx-swap="outerHTML">{csrf}{button}</form>')
    else:
        inner = (f'<span class="like-static" title="Likes">♥ {counter}'
                 f'<span class="visually-hidden"> likes</span></span>')
    return f'<div class="forum-like" id="like-{post.pk}">{inner}</div>'


@register.simple_tag(takes_context=True)
def post_actions(context, post):
    """The footer of one post for this reader (see the module docstring)."""
    user = context.get("user")
    # Only members get forms: an anonymous reader's page holds no token (it may then be
    # cached for every visitor, community.page_cache).
    signed_in = user is not None and user.is_authenticated
    csrf = CsrfTokenNode().render(context) if signed_in else ""
    parts = [_like_box(post, csrf)]
    if context.get("can_reply"):
        parts.append(f'<a href="?quote={post.pk}#reply" class="forum-action" '
                     f'data-quote="{post.pk}">Quote</a>')
    if post.can_accept:
        if post.is_answer:
            url, label = url_for("forum:unaccept", post.topic_id), "Unaccept answer"
        else:
            url, label = url_for("forum:accept", post.pk), "Accept as answer"
        parts.append(f'<form method="post" action="{url}">{csrf}<button type="submit" '
                     f'class="link-button forum-action">{label}</button></form>')
    if post.can_edit:
        edit, delete = url_for("forum:edit_post", post.pk), url_for("forum:delete_post", post.pk)
        parts.append(f'<a class="forum-action" href="{escape(edit)}">Edit</a>'
                     f'<a class="forum-action" href="{escape(delete)}">Delete</a>')
    if signed_in and post.author_id != user.pk and not post.is_hidden:
        parts.append(flag_box(context, Post, post.pk))
    html = f'<footer class="forum-post-actions">{"".join(parts)}</footer>'
    return mark_safe(html)  # noqa: S308 - numbers, reversed URLs and escaped text only


@register.filter
def time_ago(when):
    """``<time>`` with the relative wording, as ``includes/time_ago.html`` renders it, worked
    out once per second (``community.fragments.time_ago``): a topic list shows two per row."""
    return fragments.time_ago(when) if when else ""


@register.inclusion_tag("forum/includes/product_questions.html", takes_context=True)
def product_questions(context, product):
    """The "Questions about this product" section of a product page: the latest topics about
    it the reader may read, and the link to ask one (one query). The product page's cached
    copies for visitors go stale when such a topic changes (``forum.services`` bump the
    product's version)."""
    request = context["request"]
    questions = selectors.questions_about(user=request.user, product_id=product.pk)
    return {"product": product, "questions": questions,
            "ask_url": f"{reverse('forum:ask_about_product')}?product={product.pk}"}
