"""Forum pages. Each view parses input, calls one service or selector, and responds; every
write works as a plain form POST, and htmx (when present) swaps the changed fragment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.context_processors import csrf
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import page_cache
from community.models import SearchWithoutResults
from community.params import parse_id
from community.services.searches import record_search_without_results
from forum import rules, selectors, services
from forum.forms import EditPostForm, ReplyForm, TopicForm, apply_service_error
from forum.fragments import attach_post_fragments, page_of_posts
from forum.models import POSTS_PER_PAGE, TOPICS_PER_PAGE, Category, Post, Topic, page_of
from moderation.services import ActionRefused


def _topic_or_404(user, topic_id: int, *, with_author: bool = True) -> Topic:
    topic = selectors.topic_for_reader(user=user, topic_id=topic_id, with_author=with_author)
    if topic is None:
        raise Http404("No such topic.")
    return topic


def _category_or_404(user, slug: str) -> Category:
    # A members-only category the reader may not enter answers as one that does not exist.
    category = selectors.category_for_reader(user=user, slug=slug)
    if category is None:
        raise Http404("No such category.")
    return category


def _post_or_404(user, post_id: int) -> Post:
    post = selectors.post_for_reader(user=user, post_id=post_id)
    if post is None:
        raise Http404("No such post.")
    return post


def _post_url(post: Post) -> str:
    topic = post.topic
    page = page_of(post.post_number)
    suffix = f"?page={page}" if page > 1 else ""
    return f"{topic.get_absolute_url()}{suffix}#{post.anchor}"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page_cache.depends_on(request, ("forum", 0))
    categories = selectors.category_list(user=request.user)
    services.note_visit(user=request.user)
    return render(request, "forum/index.html", {"categories": categories})


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    page_cache.depends_on(request, ("forum", 0))
    category = _category_or_404(request.user, slug)
    sort = request.GET.get("sort", "latest")
    if sort not in selectors.SORTS:
        sort = "latest"
    topics = selectors.topic_list(user=request.user, category=category, sort=sort)
    services.note_visit(user=request.user)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    page_cache.rendered_for_query(request, sort=sort, page=page.number)
    return render(request, "forum/category.html", {
        "category": category, "page": page, "sort": sort, "sorts": selectors.SORTS,
        "can_start": rules.can_start_topic(request.user, category),
        "query_prefix": f"sort={sort}",
        "members_only_note": selectors.members_only_note(category),
    })


@login_required
@require_http_methods(["GET", "POST"])
def new_topic(request: HttpRequest, slug: str) -> HttpResponse:
    category = _category_or_404(request.user, slug)
    rules.check_start_topic(request.user, category)
    # From a product page's "Ask a question about this product": the product is chosen
    # already (an id that is not a live, public product is simply not pre-filled).
    form = TopicForm(request.POST or None, initial={"product": parse_id(request.GET.get("product"))})
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.start_topic(
                author=request.user, category=category, title=form.cleaned_data["title"],
                body=form.cleaned_data["body"], client_token=form.cleaned_data["token"],
                product=form.cleaned_data["product"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            _tell_if_held(request, topic.posts.filter(post_number=1).first(), "topic")
            return redirect(topic.get_absolute_url())
    return render(request, "forum/topic_form.html", {"category": category, "form": form})


@login_required
@require_GET
def ask_about_product(request: HttpRequest) -> HttpResponse:
    """A product page's "Ask a question about this product": the new-topic form of the first
    category the member may start topics in, with the product chosen."""
    product_id = parse_id(request.GET.get("product"))
    category = selectors.first_category_to_start_in()
    if category is None:
        raise Http404("There is no forum category to ask in.")
    url = reverse("forum:new_topic", kwargs={"slug": category.slug})
    return redirect(f"{url}?product={product_id}" if product_id else url)


def _topic_page(request: HttpRequest, topic: Topic, *, form: ReplyForm | None = None, status: int = 200):
    context = _topic_context(request, topic, form=form)
    return render(request, "forum/topic.html", context, status=status)


def _topic_context(request: HttpRequest, topic: Topic, *, form: ReplyForm | None = None) -> dict:
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    page_number = min(max(page_number, 1), topic.page_count)
    page_cache.rendered_for_query(request, **({"page": page_number} if page_number > 1 else {}))
    can_reply = rules.can_reply(request.user, topic)
    posts = page_of_posts(topic=topic, page=page_number, context={
        "request": request, "user": request.user, "can_reply": can_reply,
        # Lazy, as the template's: an anonymous reader's page uses no token (community.page_cache).
        "csrf_token": csrf(request)["csrf_token"],
    })
    quoted = None
    if form is None:
        form = ReplyForm(initial={"reply_to": parse_id(request.GET.get("quote"))})
    reply_to_id = _quoted_post_id(form)
    if reply_to_id:
        quoted = selectors.post_for_reader(user=request.user, post_id=reply_to_id)
        if quoted is not None and (quoted.topic_id != topic.pk or quoted.is_deleted):
            quoted = None
    if request.user.is_authenticated and posts.last_number and request.method == "GET":
        services.mark_topic_read(user=request.user, topic=topic, post_number=posts.last_number)
        services.note_page_read(user=request.user, last_read=getattr(topic, "last_read", None),
                                posts=posts.readable)
    if page_number == 1:
        topic.accepted_answer = selectors.accepted_answer(topic)
    paginator = Paginator(range(topic.last_post_number), POSTS_PER_PAGE)
    return {
        "topic": topic, "category": topic.category, "posts": posts.posts,
        "page": paginator.get_page(page_number), "form": form, "quoted": quoted,
        "can_reply": can_reply,
        "can_accept": rules.can_accept(request.user, topic),
        "is_last_page": page_number == topic.page_count,
        "page_end": page_number * POSTS_PER_PAGE,
        "locked_message": rules.LOCKED_MESSAGE,
    }


def _quoted_post_id(form: ReplyForm) -> int | None:
    """The post a reply form quotes: once submitted, what its field parsed to (nothing when
    it did not parse or the quote was refused); a new form, what the page asked for."""
    if form.is_bound:
        form.is_valid()  # cleans once; a refused quote is already out of cleaned_data
        return form.cleaned_data.get("reply_to")
    return form.initial.get("reply_to")


@require_GET
def topic(request: HttpRequest, topic_id: int, slug: str | None = None) -> HttpResponse:
    page_cache.depends_on(request, ("topic", topic_id))
    topic = _topic_or_404(request.user, topic_id, with_author=False)
    if slug != topic.slug:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(topic.get_absolute_url() + query, permanent=slug is not None)
    return _topic_page(request, topic)


@require_GET
def topic_unread(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Jump to the first post the reader has not seen (the last post if they are up to date)."""
    topic = _topic_or_404(request.user, topic_id)
    last_read = topic.last_read or 0
    target = min(last_read + 1, topic.last_post_number)
    page = page_of(target)
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{topic.get_absolute_url()}{suffix}#post-{target}")


@login_required
@require_POST
def reply(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _topic_or_404(request.user, topic_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = selectors.post_for_reader(user=request.user, post_id=form.cleaned_data["reply_to"])
        try:
            post = services.post_reply(
                author=request.user, topic=topic, body=form.cleaned_data["body"], reply_to=reply_to,
                client_token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            post.topic = topic
            _tell_if_held(request, post, "reply")
            return redirect(_post_url(post))
    request.GET = request.GET.copy()
    request.GET["page"] = str(topic.page_count)
    return _topic_page(request, topic, form=form, status=400)


def _tell_if_held(request: HttpRequest, post: Post | None, what: str) -> None:
    """A member whose post is held for approval (or hidden by the spam filter) learns it at
    once, not from a missing post."""
    if post is None:
        return
    post.refresh_from_db(fields=["is_hidden", "hidden_reason"])
    if post.is_hidden:
        messages.info(request, f"Your {what} is saved. {post.hidden_reason or 'It is hidden for now.'} "
                      "You can see it; others will once a community manager has looked at it.")


@require_GET
def post_redirect(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    return redirect(_post_url(post))


@require_GET
def post_fragment(request: HttpRequest, post_id: int) -> HttpResponse:
    """One post rendered for this reader: what the live topic page fetches when told a post
    was added or changed. The visibility rules of the page apply."""
    post = _post_or_404(request.user, post_id)
    # Every open page of the topic fetches a new post: its content is rendered once for all
    # of them (the fragment cache); only the reader's own actions are rendered per request.
    attach_post_fragments([post])
    return render(request, "forum/includes/post.html", {
        "post": post, "topic": post.topic, "can_reply": rules.can_reply(request.user, post.topic),
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    rules.check_edit(request.user, post)
    first = post.post_number == 1
    initial = {"body": post.body, "title": post.topic.title, "product": post.topic.product_id}
    form = EditPostForm(request.POST or None, initial=initial, first_post=first)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(editor=request.user, post=post, body=form.cleaned_data["body"],
                               title=form.cleaned_data.get("title"),
                               product=form.cleaned_data.get("product", services.UNCHANGED))
        except ValidationError as error:
            apply_service_error(form, error)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(_post_url(post))
    return render(request, "forum/post_edit.html", {"post": post, "topic": post.topic, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    rules.check_delete(request.user, post)
    if request.method == "POST":
        services.delete_post(actor=request.user, post=post)
        if post.post_number == 1:
            messages.success(request, "The topic is deleted.")
            return redirect(post.topic.category.get_absolute_url())
        messages.success(request, "The post is deleted.")
        return redirect(_post_url(post))
    return render(request, "forum/post_delete.html", {"post": post, "topic": post.topic})


@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    if post.is_deleted:
        raise Http404("This post was deleted.")
    return render(request, "forum/post_history.html", {
        "post": post, "topic": post.topic, "versions": selectors.post_versions(post=post),
    })


def _like_response(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    if request.htmx:
        return render(request, "forum/includes/like_button.html", {"post": post})
    return redirect(_post_url(post))


@login_required
@require_POST
def like(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    try:
        services.like_post(user=request.user, post=post)
    except ActionRefused as refusal:
        if request.htmx:  # htmx swaps 2xx only: the refusal shows next to the button
            return render(request, "forum/includes/like_button.html",
                          {"post": post, "like_refused": refusal.message})
        messages.error(request, refusal.message)
    return _like_response(request, post_id)


@login_required
@require_POST
def unlike(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    services.unlike_post(user=request.user, post=post)
    return _like_response(request, post_id)


@login_required
@require_POST
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request.user, post_id)
    try:
        services.accept_answer(actor=request.user, post=post)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Marked as the accepted answer.")
    return redirect(_post_url(post))


@login_required
@require_POST
def unaccept(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _topic_or_404(request.user, topic_id)
    services.unaccept_answer(actor=request.user, topic=topic)
    messages.success(request, "The topic no longer has an accepted answer.")
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def watch(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _topic_or_404(request.user, topic_id)
    watching = request.POST.get("watching") == "1"
    services.watch_topic(user=request.user, topic=topic, watching=watching)
    messages.success(request, "You are watching this topic: you will be notified of replies."
                     if watching else "You stopped watching this topic.")
    return redirect(topic.get_absolute_url())


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    results = selectors.search_forum(user=request.user, query=request.GET.get("q", ""))
    if results.query and not results.topics and not results.posts:
        record_search_without_results(query=results.query, where=SearchWithoutResults.Where.FORUM)
    return render(request, "forum/search.html", {"results": results, "q": results.query})


@login_required
@require_GET
def mention_candidates(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"members": selectors.mention_candidates(prefix=request.GET.get("q", ""))})

