from __future__ import annotations

from django import forms

from .models import Station


class StationForm(forms.ModelForm):
    class Meta:
        model = Station
        fields = [
            "name_ar",
            "name_en",
            "status",
            "address_ar",
            "address_en",
            "landmark_ar",
            "landmark_en",
            "postal_code",
            "latitude",
            "longitude",
            "phone",
            "email",
            "capacity",
            "services",
            "description_ar",
            "description_en",
            "photo",
        ]
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "description_ar": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr"}),
            "address_en": forms.TextInput(attrs={"dir": "ltr"}),
            "landmark_en": forms.TextInput(attrs={"dir": "ltr"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "type": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
        }
