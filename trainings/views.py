from django.shortcuts import get_object_or_404, render

from .models import Training


def search(request):
    trainings = Training.objects.filter(is_published=True).select_related("organiser", "theme")
    return render(request, "trainings/search.html", {"trainings": trainings, "step": 2})


def detail(request, pk, slug):
    training = get_object_or_404(Training.objects.select_related("organiser", "theme"), pk=pk, is_published=True)
    return render(request, "trainings/detail.html", {"training": training, "step": 2})
